using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.Cli;

/// <summary>The process entry point: wires <see cref="Httpc.RunAsync"/> to the real console.</summary>
public static class Program
{
    /// <summary>Runs httpc; Ctrl+C cancels the request and exits with <see cref="ExitCodes.Cancelled"/>.</summary>
    public static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            interrupt.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await using Stream stdoutBytes = Console.OpenStandardOutput();
            return await Httpc.RunAsync(args, Console.Out, Console.Error, !Console.IsErrorRedirected, interrupt.Token, stdoutBytes)
                .ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
