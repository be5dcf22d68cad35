using System;
using System.Collections.Generic;
using System.Text;

namespace Http.Client.Generator.Tests
{
    /// <summary>A small line diff (longest common subsequence) for readable snapshot failures.</summary>
    internal static class TextDiff
    {
        /// <summary>Lines of context around each change, and the most diff lines shown.</summary>
        private const int ContextLines = 2;
        private const int MaxOutputLines = 80;

        public static string Unified(string expected, string actual)
        {
            string[] a = expected.Split('\n');
            string[] b = actual.Split('\n');
            int[,] lcs = new int[a.Length + 1, b.Length + 1];
            for (int i = a.Length - 1; i >= 0; i--)
            {
                for (int j = b.Length - 1; j >= 0; j--)
                {
                    lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            // Walk the table into (kind, text, expected line number) entries.
            var ops = new List<(char Kind, string Text, int Line)>();
            int x = 0, y = 0;
            while (x < a.Length || y < b.Length)
            {
                if (x < a.Length && y < b.Length && a[x] == b[y])
                {
                    ops.Add((' ', a[x], x + 1));
                    x++;
                    y++;
                }
                else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
                {
                    ops.Add(('-', a[x], x + 1));
                    x++;
                }
                else
                {
                    ops.Add(('+', b[y], x + 1));
                    y++;
                }
            }

            var output = new StringBuilder();
            int shown = 0;
            int lastPrinted = -1;
            for (int k = 0; k < ops.Count && shown < MaxOutputLines; k++)
            {
                bool near = false;
                for (int d = Math.Max(0, k - ContextLines); d <= Math.Min(ops.Count - 1, k + ContextLines); d++)
                {
                    near |= ops[d].Kind != ' ';
                }

                if (!near)
                {
                    continue;
                }

                if (lastPrinted != k - 1)
                {
                    output.Append("@@ verified line ").Append(ops[k].Line).Append(" @@\n");
                }

                output.Append(ops[k].Kind).Append(' ').Append(ops[k].Text).Append('\n');
                lastPrinted = k;
                shown++;
            }

            if (shown >= MaxOutputLines)
            {
                output.Append("... (diff truncated)\n");
            }

            return output.ToString();
        }
    }
}
