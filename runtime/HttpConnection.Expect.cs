using System.Diagnostics;
using System.Text;

namespace Http.Client
{
    /// <summary>Expect: 100-continue: the head goes alone and the body waits for the server's word (docs/differences.md #42).</summary>
    public partial class HttpConnection
    {
        private bool _requestExpectsContinue; // the current request carries Expect: 100-continue
        private bool _requestHasExpect; // the caller gave the current request an Expect header (ExpectContinue then adds none)
        private WithheldBody _withheldBody; // a final response came before 100 Continue: how the unsent body ends (docs/differences.md #42)

        /// <summary>
        /// How long a request carrying <c>Expect: 100-continue</c> (given by the caller in the headers of
        /// <see cref="Request"/> or with <see cref="PutHeader(string, string[])"/>) waits after its head for
        /// <c>100 Continue</c> before sending its body anyway (default 1 second; never longer than <see cref="Timeout"/>).
        /// CPython sends the body at once (docs/differences.md #42). A <c>100 Continue</c> lets the body go at once; a final
        /// response first (417, 401, 413, a redirect...) withholds the body and is what <see cref="GetResponse"/> returns.
        /// The transport is then kept only when the withheld body was chunked (it is ended with an empty last chunk) and the
        /// response allows it. A request without a body (or with an empty bytes body) never waits.
        /// </summary>
        /// <exception cref="ArgumentOutOfRangeException">The value is negative or longer than <see cref="int.MaxValue"/> milliseconds.</exception>
        public TimeSpan ExpectContinueTimeout
        {
            get;
            set
            {
                if (value < TimeSpan.Zero || value.TotalMilliseconds > int.MaxValue)
                {
                    throw new ArgumentOutOfRangeException(nameof(value), value, "The delay must be between zero and int.MaxValue milliseconds.");
                }
                field = value;
            }
        } = TimeSpan.FromSeconds(1);

        /// <summary>
        /// Opt-in (default false, CPython's behaviour): <see cref="Request"/> and <see cref="EndHeaders"/> add
        /// <c>Expect: 100-continue</c> as the last header of every request with a body (not an empty bytes body), unless
        /// the caller gave an <c>Expect</c> header, and the body then waits as <see cref="ExpectContinueTimeout"/> says
        /// (docs/differences.md #42).
        /// </summary>
        public bool ExpectContinue { get; set; }

        /// <summary>A request body not sent because a final response came before <c>100 Continue</c>: how its framing ends.</summary>
        private enum WithheldBody
        {
            None,
            Sized, // Content-Length (or unframed): the server still expects its bytes (see EndWithheldBodyCore)
            Chunked,
        }

        /// <summary>Notes what a request header asks of the connection: <c>Upgrade</c> (a 101 then hands over the transport),
        /// <c>Expect</c>, and whether it asks for <c>100 Continue</c> (name and value in any case, value trimmed).</summary>
        private void NoteRequestHeader(string name, ReadOnlySpan<string> values)
        {
            _requestHasUpgrade |= name.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase);
            if (name.Equals(HeaderNames.Expect, StringComparison.OrdinalIgnoreCase))
            {
                _requestHasExpect = true;
                foreach (string value in values)
                {
                    _requestExpectsContinue |= value.AsSpan().Trim(" \t").Equals("100-continue", StringComparison.OrdinalIgnoreCase);
                }
            }
        }

        /// <summary>The same for a header given as bytes.</summary>
        private void NoteRequestHeader(byte[] name, byte[][] values)
        {
            _requestHasUpgrade |= Ascii.EqualsIgnoreCase(name, HeaderNames.Upgrade);
            if (Ascii.EqualsIgnoreCase(name, HeaderNames.Expect))
            {
                _requestHasExpect = true;
                foreach (byte[] value in values)
                {
                    _requestExpectsContinue |= Ascii.EqualsIgnoreCase(value.AsSpan().Trim(" \t"u8), "100-continue"u8);
                }
            }
        }

        /// <summary><see cref="ExpectContinue"/>: the header goes last, on a request with a body the caller gave no Expect for.</summary>
        private void AddExpectContinueIfOptedIn(RequestBody? body)
        {
            if (ExpectContinue && !_requestHasExpect && body is not null && body.KnownLength != 0)
            {
                _head.WriteHeader(HeaderNames.Expect, "100-continue");
                _requestExpectsContinue = true;
            }
        }

        /// <summary>
        /// Watches the server's answer to the head for the <see cref="ExpectContinueTimeout"/>, consuming nothing (GetResponse
        /// reads it all): true (send the body) on 100 or silence; false on anything GetResponse would take as final, the end
        /// of the stream or a read failure (which GetResponse then reports). A delivered interim (103) does not release the body.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<bool> ServerLetsBodyGoCore(bool async, Transport transport, CancellationToken cancellationToken)
        {
            TimeSpan delay = Timeout is TimeSpan limit && limit < ExpectContinueTimeout ? limit : ExpectContinueTimeout;
            long start = Stopwatch.GetTimestamp();
            TransportWait wait = TransportWait.Arrived;
            while (true)
            {
                // Stopped: no byte came, and none will, after what was judged incomplete.
                bool? continued = transport.AtEnd || wait == TransportWait.Stopped ? false
                    : ReadContinueAnswer(transport.BufferedSpan, InterimResponseReceived is not null, Limits.MaxLineLength);
                if (continued is bool sendBody)
                {
                    Debug.Line(sendBody
                        ? "expect: 100 Continue, sending the body"
                        : "expect: the server answered before 100 Continue, body withheld");
                    return sendBody;
                }
                TimeSpan left = delay - Stopwatch.GetElapsedTime(start);
                wait = left > TimeSpan.Zero
                    ? await transport.WaitForBytesAsync(async, left, cancellationToken).ConfigureAwait(false)
                    : TransportWait.Quiet;
                if (wait == TransportWait.Quiet)
                {
                    Debug.Line("expect: no 100 Continue within " + ((long)delay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + " ms, sending the body");
                    return true;
                }
            }
        }

        /// <summary>
        /// The answer in the bytes received so far: true for 100, false for a final answer, null while incomplete. With
        /// <paramref name="skipInterim"/>, other 1xx heads (101 excepted) are passed over whole, as the response read delivers them.
        /// </summary>
        private static bool? ReadContinueAnswer(ReadOnlySpan<byte> received, bool skipInterim, int maxLine)
        {
            bool inInterimHead = false;
            try
            {
                while (true)
                {
                    int scanned = 0;
                    int length = ResponseHeadDecoder.FindLine(received, ref scanned, false, maxLine, "status line");
                    if (length < 0)
                    {
                        return null;
                    }
                    ReadOnlySpan<byte> line = received.Slice(0, length);
                    received = received.Slice(length);
                    if (inInterimHead)
                    {
                        inInterimHead = !ResponseHeadDecoder.IsBlankLine(line);
                        continue;
                    }
                    int status = ResponseHeadDecoder.ParseStatusLine(line).Status;
                    if (status == 100)
                    {
                        return true;
                    }
                    if (!skipInterim || status >= 200 || status == 101)
                    {
                        return false;
                    }
                    inInterimHead = true;
                }
            }
            catch (HttpException)
            {
                return false; // a line too long or a bad status line: the response read reports it
            }
        }

        /// <summary>
        /// After the final response to a request whose body was withheld: true when the request's framing is complete on
        /// the wire, so the transport may carry the next request. A chunked body is ended with the empty last chunk when
        /// the response keeps the connection; a sized body leaves the server expecting its bytes, so the transport closes.
        /// </summary>
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<bool> EndWithheldBodyCore(bool async, Transport transport, bool responseCloses)
        {
            WithheldBody withheld = _withheldBody;
            _withheldBody = WithheldBody.None;
            if (withheld != WithheldBody.Chunked || responseCloses)
            {
                return false;
            }
            Debug.Send(LastChunk);
            _head.Append(LastChunk);
            try
            {
                // Not cancellable: five bytes that keep the connection, after the response the caller asked for has arrived.
                await FlushCore(async, transport, CancellationToken.None).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException)
            {
                return false; // the transport closes after the response
            }
            finally
            {
                _head.Clear();
            }
        }
    }
}
