namespace Http.Client
{
    /// <summary>CPython's <c>__state</c> of a connection (named by <see cref="HttpConnection.StateName"/>); see <see cref="HttpConnection.Move"/>.</summary>
    internal enum ConnectionState
    {
        Idle,
        RequestStarted,
        RequestSent,
    }

    /// <summary>What the caller (or a failure) does to the connection: the inputs of <see cref="HttpConnection.Move"/>.</summary>
    internal enum ConnectionOp
    {
        PutRequest,
        PutHeader,
        EndHeaders,
        GetResponse,
        ResponseHeadRead,
        Reject,
        Close,
    }

    public partial class HttpConnection
    {
        private ConnectionState _state;

        /// <summary>CPython's state name, as exceptions carry it.</summary>
        internal string StateName => _state switch
        {
            ConnectionState.Idle => "Idle",
            ConnectionState.RequestStarted => "Request-started",
            _ => "Request-sent",
        };

        /// <summary>
        /// The state table, the only writer of the state and the only place that refuses an operation. A kept-alive
        /// response whose body is not finished is tracked beside it as the pending response; it blocks GetResponse (not
        /// new requests) until it is closed or fully read. Send(...) has no row: it checks nothing, as CPython.
        /// </summary>
        internal void Move(ConnectionOp op) => _state = (_state, op) switch
        {
            // state                         operation                                      next state (or refusal)                         notes
            (ConnectionState.Idle,           ConnectionOp.PutRequest)                       => ConnectionState.RequestStarted,           // a finished pending response is forgotten first
            (_,                              ConnectionOp.PutRequest)                       => throw new CannotSendRequestException(StateName),
            (ConnectionState.RequestStarted, ConnectionOp.PutHeader)                        => ConnectionState.RequestStarted,           // an invalid header buffers nothing (docs/differences.md #1)
            (ConnectionState.RequestStarted, ConnectionOp.EndHeaders)                       => ConnectionState.RequestSent,              // then head (+ body) written; a failed write keeps RequestSent (docs/differences.md #3)
            (_,                              ConnectionOp.PutHeader or ConnectionOp.EndHeaders) => throw new CannotSendHeaderException(StateName),
            (ConnectionState.RequestSent,    ConnectionOp.GetResponse) when _pendingResponse is null => ConnectionState.RequestSent,
            (_,                              ConnectionOp.GetResponse)                      => throw new ResponseNotReadyException(StateName),
            (ConnectionState.RequestSent,    ConnectionOp.ResponseHeadRead)                 => ConnectionState.Idle,                     // a will-close response takes the transport
            (_,                              ConnectionOp.Reject)                           => ConnectionState.Idle,                     // invalid input or failed auto-open (docs/differences.md #1, 2; CPython sticks)
            (_,                              ConnectionOp.Close)                            => ConnectionState.Idle,                     // also every timeout, cancellation, failed GetResponse (docs/differences.md #4, 5)
            _ => throw new ArgumentOutOfRangeException(nameof(op)),
        };

        /// <summary>Refuses the request in progress and leaves nothing behind: the buffered head is dropped, the state is Idle.</summary>
        internal void RejectRequest(Exception error)
        {
            EndRequestTelemetry(0, error);
            _head.Clear();
            Move(ConnectionOp.Reject);
        }
    }
}
