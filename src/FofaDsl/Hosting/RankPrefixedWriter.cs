using System.Text;

namespace FofaDsl.Hosting;

/// <summary>Marks every line a rank other than 0 writes with its rank, so that a job's error output says who failed.</summary>
internal sealed class RankPrefixedWriter(TextWriter inner, int rank) : TextWriter
{
    private bool atLineStart = true;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (atLineStart) inner.Write($"[rank {rank}] ");
        inner.Write(value);
        atLineStart = value == '\n';
    }

    public override void Flush() => inner.Flush();
}
