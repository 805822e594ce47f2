using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Vigil.Detection.Rules;

/// <summary>A YAML node with the 1-based line and column where it starts.</summary>
internal abstract record YNode(int Line, int Column)
{
    public abstract string Kind { get; }
}

internal sealed record YScalar(string Value, bool Quoted, int Line, int Column) : YNode(Line, Column)
{
    public override string Kind => "a scalar";
}

internal sealed record YSequence(IReadOnlyList<YNode> Items, int Line, int Column) : YNode(Line, Column)
{
    public override string Kind => "a list";
}

internal sealed record YMapping(IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries, int Line, int Column) : YNode(Line, Column)
{
    public override string Kind => "a mapping";
}

/// <summary>
/// Builds a small node tree straight from YamlDotNet's parser events, so that every node keeps its
/// position. Aliases and complex keys are refused rather than resolved: rule files have no need for
/// them, and refusing them rules out alias bombs. Nesting depth is bounded so hostile input cannot
/// exhaust the stack later in the compiler.
/// </summary>
internal static class YamlTree
{
    public const int MaxDepth = 64;

    /// <summary>Parses <paramref name="text"/>; returns the root node (null for an empty document) or adds errors.</summary>
    public static YNode? Parse(string file, string text, List<RuleError> errors)
    {
        var last = new LastMark();
        try
        {
            var parser = new TrackingParser(new Parser(new StringReader(text)), last);
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }
            parser.Consume<DocumentStart>();
            YNode? root = null;
            if (!parser.Accept<DocumentEnd>(out _))
            {
                root = ReadNode(parser, file, 0);
            }
            parser.Consume<DocumentEnd>();
            if (!parser.Accept<StreamEnd>(out _) && parser.Current is { } next)
            {
                errors.Add(new RuleError(file, Line(next.Start), Column(next.Start), "only one YAML document per rules file is allowed"));
                return null;
            }
            return root;
        }
        catch (RuleFileException e)
        {
            errors.Add(e.Error);
            return null;
        }
        catch (YamlException e)
        {
            errors.Add(new RuleError(file, Line(e.Start), Column(e.Start), "YAML syntax: " + Clean(e.Message)));
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these for a few malformed inputs instead of a YamlException
            // (found by RuleLoaderPropertyTests); report them after the last node that did parse.
            errors.Add(new RuleError(file, Line(last.Mark), Column(last.Mark), "YAML syntax: the parser cannot read the text after this point"));
            return null;
        }
    }

    private sealed class LastMark
    {
        public Mark Mark { get; set; } = Mark.Empty;
    }

    /// <summary>Remembers where the last event the parser produced ended.</summary>
    private sealed class TrackingParser(IParser inner, LastMark last) : IParser
    {
        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (inner.Current is { } ev)
            {
                last.Mark = ev.End;
            }
            return inner.MoveNext();
        }
    }

    private static YNode ReadNode(IParser parser, string file, int depth)
    {
        if (depth > MaxDepth)
        {
            var at = parser.Current!.Start;
            throw new RuleFileException(new RuleError(file, Line(at), Column(at), $"nesting deeper than {MaxDepth} levels"));
        }
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            RefuseAnchor(file, scalar);
            var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded;
            return new YScalar(scalar.Value, quoted, Line(scalar.Start), Column(scalar.Start));
        }
        if (parser.TryConsume<SequenceStart>(out var seqStart))
        {
            RefuseAnchor(file, seqStart);
            var items = new List<YNode>();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                items.Add(ReadNode(parser, file, depth + 1));
            }
            return new YSequence(items, Line(seqStart.Start), Column(seqStart.Start));
        }
        if (parser.TryConsume<MappingStart>(out var mapStart))
        {
            RefuseAnchor(file, mapStart);
            var entries = new List<KeyValuePair<YScalar, YNode>>();
            var keys = new HashSet<string>(StringComparer.Ordinal);
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = ReadNode(parser, file, depth + 1);
                if (key is not YScalar k)
                {
                    throw new RuleFileException(new RuleError(file, key.Line, key.Column, "mapping keys must be plain names"));
                }
                var value = ReadNode(parser, file, depth + 1);
                if (!keys.Add(k.Value))
                {
                    throw new RuleFileException(new RuleError(file, k.Line, k.Column, $"duplicate key '{k.Value}'"));
                }
                entries.Add(new(k, value));
            }
            return new YMapping(entries, Line(mapStart.Start), Column(mapStart.Start));
        }
        var ev = parser.Current!;
        throw new RuleFileException(new RuleError(file, Line(ev.Start), Column(ev.Start),
            ev is AnchorAlias ? "YAML aliases (*name) are not supported in rules files" : "unexpected YAML content"));
    }

    private static void RefuseAnchor(string file, NodeEvent node)
    {
        if (!node.Anchor.IsEmpty)
        {
            throw new RuleFileException(new RuleError(file, Line(node.Start), Column(node.Start), "YAML anchors (&name) are not supported in rules files"));
        }
    }

    private static int Line(Mark m) => (int)Math.Min(int.MaxValue, Math.Max(1, m.Line));

    private static int Column(Mark m) => (int)Math.Min(int.MaxValue, Math.Max(1, m.Column));

    // YamlDotNet prefixes messages with the position, which the error already carries.
    private static string Clean(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && i > 0 ? message[(i + 3)..] : message;
    }

    private sealed class RuleFileException(RuleError error) : Exception(error.Message)
    {
        public RuleError Error { get; } = error;
    }
}
