using System.Text;

namespace FofaDsl.Generators.Emitting;

/// <summary>A small indenting text writer: generated code is emitted as text, never via SyntaxFactory.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder text = new();
    private int depth;

    public SourceWriter Line(string line = "")
    {
        if (line.Length > 0) text.Append(' ', depth * 4).Append(line);
        text.Append('\n');
        return this;
    }

    public SourceWriter Open(string line)
    {
        Line(line);
        Line("{");
        depth++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        depth--;
        return Line("}" + suffix);
    }

    public override string ToString() => text.ToString();
}
