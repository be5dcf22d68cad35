using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;

namespace Http.Client.Package.Tests
{
    /// <summary>The result of one <c>dotnet</c> run: exit code and interleaved stdout + stderr.</summary>
    public sealed record CliResult(int ExitCode, string Output);

    /// <summary>
    /// Runs the <c>dotnet</c> CLI as a child process with a hard time limit. Builds run with no MSBuild node reuse and no
    /// shared compiler server, so no long-lived process outlives the build holding our output pipes open.
    /// </summary>
    internal static class DotNetCli
    {
        /// <summary>After the process exits, how long its output pipes may take to drain.</summary>
        private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

        /// <summary>Arguments that keep a build self-contained: no node reuse, no compiler server, no terminal logger.</summary>
        public static readonly string[] IsolatedBuildArguments =
        {
            "-nodeReuse:false", "-p:UseSharedCompilation=false", "-tl:off", "-clp:NoSummary", "-v:minimal",
        };

        public static CliResult Run(IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
            => RunProgram("dotnet", arguments, workingDirectory, timeout, environment);

        /// <summary>Runs any program (a native executable, say) with the same environment hygiene, output capture and time limit.</summary>
        public static CliResult RunProgram(string fileName, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout, IDictionary<string, string>? environment = null)
        {
            var startInfo = new ProcessStartInfo(fileName)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
            {
                startInfo.ArgumentList.Add(argument);
            }

            // The test host runs under `dotnet test`, whose MSBuild variables would point a child build at the wrong
            // SDK pieces; children find their own.
            foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
            {
                string name = (string)variable.Key;
                if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                {
                    startInfo.Environment.Remove(name);
                }
            }

            startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            startInfo.Environment["DOTNET_NOLOGO"] = "1";
            startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
            startInfo.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
            startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
            if (environment is not null)
            {
                foreach (KeyValuePair<string, string> pair in environment)
                {
                    startInfo.Environment[pair.Key] = pair.Value;
                }
            }

            var output = new StringBuilder();
            using var process = new Process { StartInfo = startInfo };
            process.OutputDataReceived += (_, e) => Append(output, e.Data);
            process.ErrorDataReceived += (_, e) => Append(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{fileName} {string.Join(' ', startInfo.ArgumentList)} did not finish in {timeout}:\n{Snapshot(output)}");
            }

            // The exit is known; give the asynchronous readers a bounded time to deliver the last lines.
            Task.WaitAny(new[] { process.WaitForExitAsync() }, DrainTimeout);
            return new CliResult(process.ExitCode, Snapshot(output));
        }

        private static void Append(StringBuilder output, string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }
        }

        private static string Snapshot(StringBuilder output)
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }
}
