using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;

namespace Http.Client.Cli;

/// <summary>
/// A one-line download progress display on a terminal: bytes so far, total and percentage when the
/// length is known, and the average rate. Redrawn in place with a carriage return, throttled, and
/// finished with a newline.
/// </summary>
internal sealed class ProgressBar
{
    /// <summary>At most ten redraws a second: looks live, costs nothing on slow terminals or fast links.</summary>
    internal const long MinRedrawIntervalMilliseconds = 100;

    /// <summary>Cells in the bar itself; with the figures the line stays under 80 columns.</summary>
    internal const int BarWidth = 24;

    private readonly TextWriter _writer;
    private readonly long? _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDrawMilliseconds = -MinRedrawIntervalMilliseconds;
    private int _lastLineLength;

    public ProgressBar(TextWriter writer, long? total)
    {
        _writer = writer;
        _total = total;
    }

    /// <summary>Records progress; redraws only if the last redraw is old enough.</summary>
    public void Report(long received)
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _lastDrawMilliseconds < MinRedrawIntervalMilliseconds)
        {
            return;
        }

        _lastDrawMilliseconds = now;
        Draw(received);
    }

    /// <summary>Draws the final state and ends the line.</summary>
    public void Complete(long received)
    {
        Draw(received);
        _writer.WriteLine();
        _writer.Flush();
    }

    private void Draw(long received)
    {
        string line = Format(received, _total, _clock.Elapsed.TotalSeconds);
        // Pad over the remains of a longer previous line (the rate can shrink in width).
        int padding = Math.Max(0, _lastLineLength - line.Length);
        _lastLineLength = line.Length;
        _writer.Write('\r');
        _writer.Write(line);
        _writer.Write(new string(' ', padding));
        _writer.Flush();
    }

    /// <summary>The text of one progress line (without the carriage return).</summary>
    internal static string Format(long received, long? total, double elapsedSeconds)
    {
        var text = new StringBuilder(80);
        if (total is long known && known > 0)
        {
            double fraction = Math.Clamp((double)received / known, 0, 1);
            int filled = (int)Math.Floor(fraction * BarWidth);
            text.Append('[').Append('#', filled).Append('.', BarWidth - filled).Append("] ");
            text.Append(((int)Math.Floor(fraction * 100)).ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append("%  ");
            text.Append(FormatBytes(received)).Append(" / ").Append(FormatBytes(known));
        }
        else
        {
            text.Append(FormatBytes(received));
        }

        double rate = elapsedSeconds > 0 ? received / elapsedSeconds : 0;
        text.Append("  ").Append(FormatBytes((long)rate)).Append("/s");
        return text.ToString();
    }

    /// <summary>Bytes in binary units with one decimal above a KiB: "512 B", "1.5 KiB", "12.0 MiB".</summary>
    internal static string FormatBytes(long bytes)
    {
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
