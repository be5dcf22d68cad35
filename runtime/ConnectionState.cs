namespace Http.Client
{
    /// <summary>
    /// The request state of an <see cref="HttpConnection"/> (CPython's <c>__state</c>), the one place its transitions
    /// are written down. A kept-alive response whose body is not finished is tracked beside it as the pending
    /// response; it blocks <c>GetResponse</c> (not new requests) until it is closed or fully read.
    /// <code>
    /// state            operation                      next state        notes
    /// ---------------- ------------------------------ ----------------- --------------------------------------------
    /// Idle             PutRequest / Request (valid)   RequestStarted    a finished pending response is forgotten first
    /// Idle             PutRequest (invalid input)     Idle              README difference 1 (CPython sticks at Request-started)
    /// not Idle         PutRequest / Request           (unchanged)       CannotSendRequestException(state)
    /// RequestStarted   PutHeader (valid)              RequestStarted    header line buffered
    /// RequestStarted   PutHeader (invalid)            RequestStarted    nothing buffered for that header (README difference 1)
    /// not Started      PutHeader / EndHeaders         (unchanged)       CannotSendHeaderException
    /// RequestStarted   Request: header/body invalid   Idle              pending head discarded (README difference 1)
    /// RequestStarted   EndHeaders                     RequestSent       then head (+ body) written; auto-open
    /// RequestSent      auto-open fails                Idle              transport closed (README difference 2)
    /// RequestSent      write fails (reset, EPIPE)     RequestSent       GetResponse may still read (README difference 3)
    /// RequestSent      GetResponse, no pending        Idle              will-close: transport handed to the response
    /// other / pending  GetResponse                    (unchanged)       ResponseNotReadyException(state)
    /// any              GetResponse fails              Idle              transport closed (README difference 4, 5)
    /// any              timeout / cancellation         Idle              transport and pending response closed (README difference 4)
    /// any              Close / Dispose                Idle              head discarded, transport + pending closed
    /// any              Send(...)                      (unchanged)       no state check, as CPython
    /// </code>
    /// </summary>
    internal enum ConnectionState
    {
        /// <summary>No request in progress ("Idle").</summary>
        Idle,

        /// <summary>PutRequest done, headers being buffered ("Request-started").</summary>
        RequestStarted,

        /// <summary>EndHeaders done, the response is next ("Request-sent").</summary>
        RequestSent,
    }
}
