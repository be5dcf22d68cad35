using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Tests.Runtime
{
    /// <summary>
    /// An in-memory transport for ConnectCallback: reads return the scripted response (at most
    /// <see cref="MaxReadSize"/> bytes per read), writes are recorded one entry per Write call.
    /// </summary>
    internal sealed class ScriptStream : Stream
    {
        private readonly byte[] _response;
        private int _position;

        public ScriptStream(string response)
            : this(Encoding.Latin1.GetBytes(response))
        {
        }

        public ScriptStream(byte[] response)
        {
            _response = response;
        }

        public int MaxReadSize { get; set; } = int.MaxValue;

        /// <summary>When set, a write containing these bytes fails with an IOException (CPython's EPipeSocket).</summary>
        public string? FailWritesContaining { get; set; }

        public List<byte[]> Writes { get; } = new List<byte[]>();

        public bool IsDisposed { get; private set; }

        public int Remaining => _response.Length - _position;

        public string Sent
        {
            get
            {
                var all = new List<byte>();
                foreach (byte[] write in Writes)
                {
                    all.AddRange(write);
                }
                return Encoding.Latin1.GetString(all.ToArray());
            }
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        /// <summary>A connection whose every transport is a new ScriptStream over the same response; returns the streams.</summary>
        public static HttpConnection Connection(string response, out List<ScriptStream> opened, string host = "example.com", int? port = null)
        {
            var streams = new List<ScriptStream>();
            opened = streams;
            var conn = new HttpConnection(host, port);
            conn.ConnectCallback = (endPoint, _) =>
            {
                var stream = new ScriptStream(response);
                streams.Add(stream);
                return new ValueTask<Stream>(stream);
            };
            return conn;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            int count = Math.Min(Math.Min(buffer.Length, MaxReadSize), _response.Length - _position);
            _response.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            new ValueTask<int>(Read(buffer.Span));

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            byte[] data = buffer.ToArray();
            if (FailWritesContaining is not null && Encoding.Latin1.GetString(data).Contains(FailWritesContaining, StringComparison.Ordinal))
            {
                throw new IOException("Broken pipe (gotcha)");
            }
            Writes.Add(data);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return default;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            IsDisposed = true;
            base.Dispose(disposing);
        }
    }
}
