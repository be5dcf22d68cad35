using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Http.Client.Benchmarks.Loopback;

namespace Http.Client.Benchmarks.Profiling;

/// <summary>
/// "cputime-ab" mode: the head decodes of two builds of this benchmark (each directory a bin/Release/net10.0 with
/// its own Http.Client.dll), loaded side by side into one process and timed by the thread's CPU time in alternating
/// slices of 5,000 operations, so that the machine's load changes between the builds' passes affect both alike.
/// Prints each build's median per operation and the median of the per-round ratios B / A. Run it with
/// DOTNET_TieredPGO=0: with dynamic PGO, one build against a copy of itself read 1.47x on keep-alive (the second
/// loaded slower, whichever it was); without, 0.98-1.00x. Its figures are then those of code compiled without PGO.
/// </summary>
internal static class BuildComparison
{
    private const int Rounds = 101;

    private const int SliceOperations = 5_000;

    private static readonly string[] Operations = ["DecodeHeadKeepAlive", "DecodeHeadFirst"];

    public static int Run(string[] args)
    {
        if (args.Length < 2)
        {
            Console.Error.WriteLine("usage: cputime-ab <build directory A> <build directory B>");
            return 2;
        }

        Func<int>[] a = Load(args[0]);
        Func<int>[] b = Load(args[1]);
        for (int o = 0; o < Operations.Length; o++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                a[o]();
                b[o](); // JIT, tiering
            }

            System.Threading.Thread.Sleep(1_500); // let tier-1 compilation finish
            var nsA = new List<double>();
            var nsB = new List<double>();
            var ratios = new List<double>();
            for (int round = 0; round < Rounds; round++)
            {
                bool aFirst = round % 2 == 0;
                double first = Slice(aFirst ? a[o] : b[o], out long bytesFirst);
                double second = Slice(aFirst ? b[o] : a[o], out long bytesSecond);
                nsA.Add(aFirst ? first : second);
                nsB.Add(aFirst ? second : first);
                ratios.Add(nsB[^1] / nsA[^1]);
                if (round == Rounds - 1)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{Operations[o]}: A {Median(nsA):0} ns, B {Median(nsB):0} ns CPU (medians of {Rounds} slices of {SliceOperations}), B/A {Median(ratios):0.000} (median of per-round ratios); allocated A {(aFirst ? bytesFirst : bytesSecond) / SliceOperations} B, B {(aFirst ? bytesSecond : bytesFirst) / SliceOperations} B per operation"));
                }
            }
        }

        return 0;
    }

    private static double Slice(Func<int> operation, out long allocated)
    {
        long alloc0 = GC.GetAllocatedBytesForCurrentThread();
        long cpu0 = CpuTime.CurrentThreadCpuNanos();
        for (int i = 0; i < SliceOperations; i++)
        {
            operation();
        }

        double ns = (double)(CpuTime.CurrentThreadCpuNanos() - cpu0) / SliceOperations;
        allocated = GC.GetAllocatedBytesForCurrentThread() - alloc0;
        return ns;
    }

    private static double Median(List<double> values) => values.OrderBy(x => x).ElementAt(values.Count / 2);

    private static Func<int>[] Load(string directory)
    {
        var context = new BuildContext(Path.GetFullPath(directory));
        Assembly assembly = context.LoadFromAssemblyPath(Path.Combine(context.Directory, "Http.Client.Benchmarks.dll"));
        Type type = assembly.GetType("Http.Client.Benchmarks.InMemory.ParserBenchmarks", throwOnError: true)!;
        object instance = Activator.CreateInstance(type)!;
        type.GetMethod("Setup")!.Invoke(instance, null);
        return Operations.Select(name => type.GetMethod(name)!.CreateDelegate<Func<int>>(instance)).ToArray();
    }

    /// <summary>Loads a build's own assemblies from its directory (the framework's from the default context).</summary>
    private sealed class BuildContext(string directory) : AssemblyLoadContext(directory)
    {
        public string Directory { get; } = directory;

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            string path = Path.Combine(Directory, assemblyName.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
