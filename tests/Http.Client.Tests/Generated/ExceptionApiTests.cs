using System;
using System.IO;
using Xunit;

namespace Http.Client.Tests.Generated
{
    /// <summary>The generated exception classes: tree, data, and CPython's str(e) as Message.</summary>
    public sealed class ExceptionApiTests
    {
        [Theory]
        [InlineData(typeof(HttpException), typeof(IOException))]
        [InlineData(typeof(NotConnectedException), typeof(HttpException))]
        [InlineData(typeof(InvalidUrlException), typeof(HttpException))]
        [InlineData(typeof(UnknownProtocolException), typeof(HttpException))]
        [InlineData(typeof(UnknownTransferEncodingException), typeof(HttpException))]
        [InlineData(typeof(UnimplementedFileModeException), typeof(HttpException))]
        [InlineData(typeof(IncompleteReadException), typeof(HttpException))]
        [InlineData(typeof(ImproperConnectionStateException), typeof(HttpException))]
        [InlineData(typeof(CannotSendRequestException), typeof(ImproperConnectionStateException))]
        [InlineData(typeof(CannotSendHeaderException), typeof(ImproperConnectionStateException))]
        [InlineData(typeof(ResponseNotReadyException), typeof(ImproperConnectionStateException))]
        [InlineData(typeof(BadStatusLineException), typeof(HttpException))]
        [InlineData(typeof(RemoteDisconnectedException), typeof(BadStatusLineException))]
        [InlineData(typeof(LineTooLongException), typeof(HttpException))]
        public void TheTreeMatchesCPythons(Type type, Type baseType)
        {
            Assert.Equal(baseType, type.BaseType);
            Assert.True(type.IsPublic);
        }

        [Fact]
        public void HttpExceptionHasFourteenDescendants()
        {
            int descendants = 0;
            foreach (Type type in typeof(HttpException).Assembly.GetExportedTypes())
            {
                descendants += type != typeof(HttpException) && typeof(HttpException).IsAssignableFrom(type) ? 1 : 0;
            }

            // CPython 3.11's thirteen, plus TunnelConnectionException (docs/differences.md #31).
            Assert.Equal(14, descendants);
        }

        [Fact]
        public void RemoteDisconnectedIsCaughtAsIOExceptionBadStatusLineAndHttpException()
        {
            const string message = "Remote end closed connection without response";
            bool caughtAsIO = false, caughtAsBadStatusLine = false, caughtAsHttp = false;
            try
            {
                throw new RemoteDisconnectedException(message);
            }
            catch (IOException e)
            {
                caughtAsIO = e.Message == message;
            }

            try
            {
                throw new RemoteDisconnectedException(message);
            }
            catch (BadStatusLineException e)
            {
                caughtAsBadStatusLine = e.Line.Length == 0;
            }

            try
            {
                throw new RemoteDisconnectedException(message);
            }
            catch (HttpException e)
            {
                caughtAsHttp = e is RemoteDisconnectedException;
            }

            Assert.True(caughtAsIO && caughtAsBadStatusLine && caughtAsHttp);
        }

        [Fact]
        public void PlainExceptionsHaveCPythonsEmptyStrWithoutArguments()
        {
            Assert.Equal(string.Empty, new HttpException().Message);
            Assert.Equal(string.Empty, new HttpException(null).Message);
            Assert.Equal(string.Empty, new NotConnectedException().Message);
            Assert.Equal(string.Empty, new ImproperConnectionStateException().Message);
            Assert.Equal("nonnumeric port: 'x'", new InvalidUrlException("nonnumeric port: 'x'").Message);
            var inner = new InvalidOperationException("inner");
            var outer = new NotConnectedException("outer", inner);
            Assert.Same(inner, outer.InnerException);
            Assert.Equal("outer", outer.Message);
            Assert.Equal("x", new UnknownTransferEncodingException("x").Message);
            Assert.Equal("y", new UnimplementedFileModeException("y").Message);
        }

        [Fact]
        public void IncompleteReadCarriesItsDataAndCPythonsText()
        {
            var withoutExpected = new IncompleteReadException(new byte[7]);
            Assert.Equal("IncompleteRead(7 bytes read)", withoutExpected.Message);
            Assert.Equal(7, withoutExpected.Partial.Length);
            Assert.Null(withoutExpected.Expected);

            var withExpected = new IncompleteReadException(new byte[7], 3);
            Assert.Equal("IncompleteRead(7 bytes read, 3 more expected)", withExpected.Message);
            Assert.Equal(3, withExpected.Expected);

            Assert.Equal("IncompleteRead(0 bytes read, 0 more expected)", new IncompleteReadException(Array.Empty<byte>(), 0).Message);
        }

        [Fact]
        public void BadStatusLineShowsTheLineOrTwoQuotesWhenEmpty()
        {
            var empty = new BadStatusLineException(string.Empty);
            Assert.Equal("''", empty.Message);
            Assert.Equal(string.Empty, empty.Line);

            var garbage = new BadStatusLineException("garbage\r\n");
            Assert.Equal("garbage\r\n", garbage.Message);
            Assert.Equal("garbage\r\n", garbage.Line);
        }

        [Theory]
        [InlineData("status line")]
        [InlineData("header line")]
        [InlineData("chunk size")]
        [InlineData("trailer line")]
        public void LineTooLongNamesTheLineType(string lineType)
        {
            var e = new LineTooLongException(lineType);
            Assert.Equal("got more than 65536 bytes when reading " + lineType, e.Message);
            Assert.Equal(lineType, e.LineType);
        }

        [Fact]
        public void ConnectionStateExceptionsCarryTheState()
        {
            var cannotSend = new CannotSendRequestException("Request-sent");
            Assert.Equal("Request-sent", cannotSend.Message);
            Assert.Equal("Request-sent", cannotSend.State);

            var notReady = new ResponseNotReadyException("Idle");
            Assert.Equal("Idle", notReady.Message);
            Assert.Equal("Idle", notReady.State);

            var notReadyNoState = new ResponseNotReadyException();
            Assert.Equal(string.Empty, notReadyNoState.Message);
            Assert.Null(notReadyNoState.State);

            // CPython raises CannotSendHeader with no arguments: str(e) is empty whatever the state.
            var cannotSendHeader = new CannotSendHeaderException("Request-sent");
            Assert.Equal(string.Empty, cannotSendHeader.Message);
            Assert.Equal("Request-sent", cannotSendHeader.State);
            Assert.Null(new CannotSendHeaderException().State);
        }

        [Fact]
        public void NullDataIsRefusedWithArgumentNullException()
        {
            Assert.Equal("partial", Assert.Throws<ArgumentNullException>(() => new IncompleteReadException(null!)).ParamName);
            Assert.Equal("line", Assert.Throws<ArgumentNullException>(() => new BadStatusLineException(null!)).ParamName);
            Assert.Equal("lineType", Assert.Throws<ArgumentNullException>(() => new LineTooLongException(null!)).ParamName);
            Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => new CannotSendRequestException(null!)).ParamName);
            Assert.Equal("version", Assert.Throws<ArgumentNullException>(() => new UnknownProtocolException(null!)).ParamName);
        }

        [Fact]
        public void UnknownProtocolShowsTheVersion()
        {
            var e = new UnknownProtocolException("HTTP/2.0");
            Assert.Equal("HTTP/2.0", e.Message);
            Assert.Equal("HTTP/2.0", e.Version);
        }
    }
}
