using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using SharpFuzz;

namespace Http.Client.Fuzz;

/// <summary>
/// The fuzzing harness. <c>Http.Client.Fuzz</c> (no arguments) is AFL++'s target: SharpFuzz's out-of-process loop
/// feeds each input to <see cref="ResponseTarget.Run"/>, and a finding is an unhandled exception (a crash to AFL).
/// <c>Http.Client.Fuzz replay PATH...</c> runs every file under the paths (corpus, crash or regression folders)
/// through the same target without AFL, each bounded in time, and exits 1 if any is a finding.
/// <c>Http.Client.Fuzz seeds DIR FILE...</c> writes seed inputs from canned replies (one reply per file given);
/// <c>Http.Client.Fuzz show PATH...</c> prints each input's decoded case and outcome.
/// </summary>
public static class Program
{
    /// <summary>Largest input used; AFL's inputs stay far below this.</summary>
    private const int MaxInput = 1 << 20;

    /// <summary>Wall-clock bound for one replayed input (a hang is a finding).</summary>
    private static readonly TimeSpan ReplayBound = TimeSpan.FromSeconds(10);

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                ResponseTarget.Run(copy.GetBuffer().AsMemory(0, (int)Math.Min(copy.Length, MaxInput)));
            });
            return 0;
        }
        return args[0] switch
        {
            "replay" when args.Length > 1 => Replay(args.Skip(1)),
            "seeds" when args.Length > 2 => WriteSeeds(args[1], args.Skip(2)),
            "show" when args.Length > 1 => Show(args.Skip(1)),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Http.Client.Fuzz                      (AFL++ target, stdin/shared memory)");
        Console.Error.WriteLine("       Http.Client.Fuzz replay PATH...       (run every file under PATH; exit 1 on a finding)");
        Console.Error.WriteLine("       Http.Client.Fuzz seeds DIR REPLY...   (write seed inputs for each canned reply file)");
        Console.Error.WriteLine("       Http.Client.Fuzz show PATH...         (print each input's case and outcome)");
        return 2;
    }

    /// <summary>Every input file under the paths: files directly, folders recursively, AFL's bookkeeping skipped.</summary>
    public static IEnumerable<string> InputFiles(IEnumerable<string> paths) =>
        paths.SelectMany(path => Directory.Exists(path)
                ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).Equals("README.txt", StringComparison.Ordinal))
                : new[] { path })
            .OrderBy(f => f, StringComparer.Ordinal);

    private static int Replay(IEnumerable<string> paths)
    {
        int inputs = 0, findings = 0;
        foreach (string file in InputFiles(paths))
        {
            inputs++;
            string? finding = ResponseTarget.RunBounded(File.ReadAllBytes(file), ReplayBound);
            if (finding is not null)
            {
                findings++;
                Console.WriteLine($"FINDING {file}\n  {finding.Replace("\n", "\n  ")}");
            }
        }
        Console.WriteLine($"replayed {inputs} inputs, {findings} findings");
        return findings == 0 && inputs > 0 ? 0 : 1;
    }

    private static int Show(IEnumerable<string> paths)
    {
        foreach (string file in InputFiles(paths))
        {
            byte[] input = File.ReadAllBytes(file);
            Console.WriteLine($"{file}: {ResponseTarget.Decode(input)}");
            try
            {
                Console.WriteLine("  " + ResponseTarget.Run(input).TrimEnd().Replace("\n", "\n  "));
            }
            catch (FuzzFindingException e)
            {
                Console.WriteLine($"  FINDING {e.Message}");
            }
        }
        return 0;
    }

    /// <summary>Each reply becomes one input; the inputs rotate over read APIs, splits, sync/async, a second request, tight
    /// limits and a CONNECT tunnel.</summary>
    private static int WriteSeeds(string directory, IEnumerable<string> replies)
    {
        (int api, byte flags, int amount, byte[] splits)[] variants =
        {
            (0, 0, 64, Array.Empty<byte>()),
            (9, 1, 7, new byte[] { 1, 3, 17 }),
            (4, 4, 5, new byte[] { 2 }),
            (8, 5, 16, new byte[] { 5, 1 }),
            (2, 0, 9, new byte[] { 1 }),
            (9, 16 | 1, 3, new byte[] { 1, 2 }),
        };
        Directory.CreateDirectory(directory);
        int written = 0;
        foreach (string file in replies.OrderBy(f => f, StringComparer.Ordinal))
        {
            var (api, flags, amount, splits) = variants[written % variants.Length];
            byte[] reply = File.ReadAllBytes(file);
            if (written % 7 == 6)
            {
                // Every seventh seed goes through a CONNECT tunnel: the proxy's answer comes first.
                flags |= 32;
                reply = [.. "HTTP/1.1 200 Connection established\r\nVia: proxy\r\n\r\n"u8, .. reply];
            }
            byte[] input = ResponseTarget.Encode(api, flags, amount, splits, reply);
            File.WriteAllBytes(Path.Combine(directory, Path.GetFileName(file)), input);
            written++;
        }
        Console.WriteLine($"wrote {written} seeds to {directory}");
        return 0;
    }
}
