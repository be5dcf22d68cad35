using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Http.Client.IntegrationTests.Fixtures;

/// <summary>
/// A server (nginx, tinyproxy) run in the foreground as a child process of the test run. It keeps the
/// tail of the server's output for error messages, waits (bounded) until its ports accept connections,
/// and stops it by PID: SIGTERM first, so nginx's master takes its workers down with it, then a kill
/// of the whole process tree if it does not exit in time.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    // Enough output to explain a failed start (a bad directive, a port in use) without unbounded growth.
    private const int MaxOutputLines = 200;

    // Starting takes milliseconds; a loaded 2-core CI machine can take seconds. Generous, but bounded.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // How long a server gets to exit after SIGTERM before its process tree is killed.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    // Pause between readiness probes while a server starts.
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(100);

    // One readiness probe's connect limit.
    private static readonly TimeSpan ProbeConnectTimeout = TimeSpan.FromSeconds(2);

    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly string? _pidFile;
    private bool _stopped;

    private ServerProcess(string name, Process process, string? pidFile)
    {
        Name = name;
        _process = process;
        _pidFile = pidFile;
    }

    /// <summary>A short name for messages ("nginx", "tinyproxy (auth)").</summary>
    public string Name { get; }

    /// <summary>The child's process id.</summary>
    public int Id => _process.Id;

    /// <summary>
    /// Starts <paramref name="executable"/> with <paramref name="arguments"/> and waits until every port in
    /// <paramref name="ports"/> on 127.0.0.1 accepts a connection. If <paramref name="pidDirectory"/> is
    /// given, the PID is also written there so CI can stop a server that a crashed test run left behind.
    /// </summary>
    /// <exception cref="InvalidOperationException">The server exited or did not listen in time; the message holds its output.</exception>
    public static ServerProcess Start(string name, string executable, IReadOnlyList<string> arguments,
        IReadOnlyList<int> ports, string? pidDirectory)
    {
        var info = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)
            ?? throw new InvalidOperationException($"{name}: Process.Start returned no process for {executable}.");
        string? pidFile = null;
        if (!string.IsNullOrEmpty(pidDirectory))
        {
            Directory.CreateDirectory(pidDirectory);
            pidFile = Path.Combine(pidDirectory, $"{name.Replace(' ', '-')}-{process.Id}.pid");
            File.WriteAllText(pidFile, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var server = new ServerProcess(name, process, pidFile);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            server.WaitUntilListening(ports);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>The last lines the server printed, for error messages.</summary>
    public string OutputTail()
    {
        lock (_output)
        {
            return string.Join(Environment.NewLine, _output);
        }
    }

    /// <summary>Stops the server by PID (SIGTERM, then a tree kill after <see cref="StopTimeout"/>).</summary>
    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        try
        {
            if (!_process.HasExited)
            {
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    _ = Kill(_process.Id, SigTerm);
                }
                if (!_process.WaitForExit(StopTimeout))
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(StopTimeout);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // The process was never started or has already been reaped: nothing to stop.
        }
        finally
        {
            _process.Dispose();
            if (_pidFile is not null)
            {
                File.Delete(_pidFile);
            }
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            if (_output.Count == MaxOutputLines)
            {
                _output.Dequeue();
            }
            _output.Enqueue(line);
        }
    }

    private void WaitUntilListening(IReadOnlyList<int> ports)
    {
        var clock = Stopwatch.StartNew();
        var pending = new List<int>(ports);
        while (pending.Count > 0)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // flushes the asynchronous output readers
                throw new InvalidOperationException(
                    $"{Name} exited with code {_process.ExitCode} while starting. Its output:{Environment.NewLine}{OutputTail()}");
            }
            if (clock.Elapsed > StartTimeout)
            {
                throw new InvalidOperationException(
                    $"{Name} did not listen on 127.0.0.1:{string.Join(", ", pending)} within {StartTimeout.TotalSeconds} s. " +
                    $"Its output:{Environment.NewLine}{OutputTail()}");
            }
            pending.RemoveAll(Accepts);
            if (pending.Count > 0)
            {
                Thread.Sleep(ProbeInterval);
            }
        }
    }

    private static bool Accepts(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(ProbeConnectTimeout);
        try
        {
            socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    // POSIX kill(2): .NET's Process.Kill only sends SIGKILL, which would orphan nginx's workers.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
