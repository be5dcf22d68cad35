using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Http.Client.Tests.TestKit;
using Xunit;

namespace Http.Client.Tests.Behaviour;

/// <summary>
/// <see cref="HttpConnection.Close"/> from another thread aborts a call blocked on the transport (the documented way
/// to stop a conversation that has no timeout), and the connection opens a new transport for the next request.
/// </summary>
public class CloseFromAnotherThreadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Close_aborts_a_GetResponse_blocked_on_a_silent_server(bool async)
    {
        await using var silent = LoopbackServer.Respond((_, _) => Array.Empty<byte>());
        using var conn = new HttpConnection("127.0.0.1", silent.Port);
        conn.Request("GET", "/");
        Task<HttpResponse> blocked = async
            ? conn.GetResponseAsync().AsTask()
            : Task.Factory.StartNew(conn.GetResponse, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        await Task.Delay(200);
        Assert.False(blocked.IsCompleted);
        var clock = Stopwatch.StartNew();
        conn.Close();
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => blocked.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(e is IOException or ObjectDisposedException or OperationCanceledException, e.ToString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Close took {clock.Elapsed} to abort the call");

        // The connection is Idle again: the next request opens a new transport and goes out.
        conn.Request("GET", "/again");
        for (int i = 0; i < 200 && silent.Requests.Count < 2; i++)
        {
            await Task.Delay(50);
        }
        Assert.Contains(silent.Requests, request => request.StartsWith("GET /again HTTP/1.1\r\n", StringComparison.Ordinal));
        Assert.Equal(2, silent.ConnectionCount);
    }
}
