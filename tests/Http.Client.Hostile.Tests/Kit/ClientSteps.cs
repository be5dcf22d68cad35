using System.Threading.Tasks;

namespace Http.Client.Hostile.Tests.Kit;

/// <summary>One request/response step through the sync API or its async twin, so a test runs both from one body.</summary>
public static class ClientSteps
{
    /// <summary>Sends <paramref name="method"/> <paramref name="url"/> and returns the response.</summary>
    public static async Task<HttpResponse> GetResponseAsync(HttpConnection conn, bool async, string url = "/", string method = "GET")
    {
        if (async)
        {
            await conn.RequestAsync(method, url);
            return await conn.GetResponseAsync();
        }
        conn.Request(method, url);
        return conn.GetResponse();
    }

    /// <summary>The rest of the body.</summary>
    public static async Task<byte[]> ReadAsync(HttpResponse response, bool async) =>
        async ? await response.ReadAsync() : response.Read();

    /// <summary>A whole exchange: the response's status and body text.</summary>
    public static async Task<(int Status, string Body)> FetchAsync(HttpConnection conn, bool async, string url = "/")
    {
        using HttpResponse response = await GetResponseAsync(conn, async, url);
        return (response.Status, System.Text.Encoding.Latin1.GetString(await ReadAsync(response, async)));
    }
}
