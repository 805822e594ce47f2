using System.Globalization;
using System.Text;

namespace Vigil.Detection.Rules;

/// <summary>Values a priority expression and a reason template can use.</summary>
internal readonly record struct FiringValues(double Severity, double Confidence, int Reports, int Strikes);

/// <summary>A compiled action of a rule.</summary>
internal sealed record RuleAction(ActionKind Kind, ReasonTemplate Reason, PriorityExpression? Priority, string? Queue, string? AuthorityCountry)
{
    public PlannedAction Plan(string ruleId, ItemFacts item, IReadOnlyList<string> evidence, IReadOnlyList<BankHitFact> hits, FiringValues values) =>
        new(ruleId, Kind, Reason.Render(ruleId, item, evidence, hits))
        {
            Priority = Priority?.Evaluate(values),
            Queue = Queue,
            AuthorityCountry = AuthorityCountry,
        };
}

/// <summary>
/// A reason text with placeholders: {rule}, {item}, {evidence}, {bank}, {entity}, {ideology},
/// {severity}, {country}. Unknown placeholders are refused at load, so a typo cannot reach a user.
/// </summary>
internal sealed class ReasonTemplate
{
    internal static readonly string[] Placeholders = ["rule", "item", "evidence", "bank", "entity", "ideology", "severity", "country"];

    private readonly IReadOnlyList<(bool IsPlaceholder, string Text)> parts;

    private ReasonTemplate(IReadOnlyList<(bool, string)> parts) => this.parts = parts;

    /// <summary>Parses a template; returns null and an error message when it is malformed.</summary>
    public static ReasonTemplate? Parse(string text, out string? error)
    {
        var parts = new List<(bool, string)>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '}')
            {
                error = "unmatched '}' in reason (write a placeholder as {name})";
                return null;
            }
            if (c != '{')
            {
                literal.Append(c);
                continue;
            }
            var close = text.IndexOf('}', i + 1);
            if (close < 0)
            {
                error = "unclosed '{' in reason";
                return null;
            }
            var name = text[(i + 1)..close];
            if (!Placeholders.Contains(name, StringComparer.Ordinal))
            {
                error = $"unknown placeholder '{{{name}}}' in reason; known: {string.Join(", ", Placeholders.Select(p => "{" + p + "}"))}";
                return null;
            }
            if (literal.Length > 0)
            {
                parts.Add((false, literal.ToString()));
                literal.Clear();
            }
            parts.Add((true, name));
            i = close;
        }
        if (literal.Length > 0)
        {
            parts.Add((false, literal.ToString()));
        }
        error = null;
        return new ReasonTemplate(parts);
    }

    public string Render(string ruleId, ItemFacts item, IReadOnlyList<string> evidence, IReadOnlyList<BankHitFact> hits)
    {
        var sb = new StringBuilder();
        var top = hits.OrderByDescending(h => h.Labels.Severity ?? 0).ThenByDescending(h => h.Confidence).FirstOrDefault();
        foreach (var (isPlaceholder, text) in parts)
        {
            sb.Append(!isPlaceholder ? text : text switch
            {
                "rule" => ruleId,
                "item" => item.ItemId,
                "evidence" => string.Join("; ", evidence),
                "bank" => top?.Bank ?? "",
                "entity" => top?.Labels.Entity ?? "",
                "ideology" => top?.Labels.Ideology ?? "",
                "severity" => top?.Labels.Severity?.ToString(CultureInfo.InvariantCulture) ?? "",
                _ => item.Country ?? "",
            });
        }
        return sb.ToString();
    }
}

/// <summary>
/// A review priority: a number, or arithmetic (+ - * x / and parentheses) over severity (highest
/// label severity of the matched bank hits, 0 when none), confidence (highest confidence of those
/// hits, 1 when the rule matched no bank), reports and strikes.
/// </summary>
internal sealed class PriorityExpression
{
    private const int MaxDepth = 16;
    private readonly Func<FiringValues, double> evaluate;

    private PriorityExpression(Func<FiringValues, double> evaluate) => this.evaluate = evaluate;

    public double Evaluate(FiringValues values)
    {
        var v = evaluate(values);
        return double.IsFinite(v) ? v : 0;
    }

    /// <summary>Parses an expression; on error returns null with a message and the 0-based offset of the problem.</summary>
    public static PriorityExpression? Parse(string text, out string? error, out int offset)
    {
        var p = new ExpressionParser(text);
        try
        {
            var f = p.Sum(0);
            p.SkipSpace();
            if (p.Position < text.Length)
            {
                throw new FormatException($"unexpected '{text[p.Position]}' in priority");
            }
            error = null;
            offset = 0;
            return new PriorityExpression(f);
        }
        catch (FormatException e)
        {
            error = e.Message;
            offset = Math.Min(p.Position, Math.Max(0, text.Length - 1));
            return null;
        }
    }

    private sealed class ExpressionParser(string text)
    {
        public int Position { get; private set; }

        public void SkipSpace()
        {
            while (Position < text.Length && text[Position] == ' ')
            {
                Position++;
            }
        }

        public Func<FiringValues, double> Sum(int depth)
        {
            var left = Product(depth);
            while (true)
            {
                SkipSpace();
                if (Position >= text.Length || text[Position] is not ('+' or '-'))
                {
                    return left;
                }
                var op = text[Position++];
                var right = Product(depth);
                var l = left;
                left = op == '+' ? v => l(v) + right(v) : v => l(v) - right(v);
            }
        }

        private Func<FiringValues, double> Product(int depth)
        {
            var left = Factor(depth);
            while (true)
            {
                SkipSpace();
                if (Position >= text.Length || text[Position] is not ('*' or '/' or 'x' or '×'))
                {
                    return left;
                }
                var op = text[Position++];
                var right = Factor(depth);
                var l = left;
                left = op == '/' ? v => l(v) / right(v) : v => l(v) * right(v);
            }
        }

        private Func<FiringValues, double> Factor(int depth)
        {
            SkipSpace();
            if (Position >= text.Length)
            {
                throw new FormatException("priority expression ends too early");
            }
            var c = text[Position];
            if (c == '(')
            {
                if (depth >= MaxDepth)
                {
                    throw new FormatException($"priority nests deeper than {MaxDepth} parentheses");
                }
                Position++;
                var inner = Sum(depth + 1);
                SkipSpace();
                if (Position >= text.Length || text[Position] != ')')
                {
                    throw new FormatException("missing ')' in priority");
                }
                Position++;
                return inner;
            }
            if (char.IsAsciiDigit(c) || c == '.')
            {
                var start = Position;
                while (Position < text.Length && (char.IsAsciiDigit(text[Position]) || text[Position] == '.'))
                {
                    Position++;
                }
                if (!double.TryParse(text.AsSpan(start, Position - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                {
                    var bad = text[start..Position];
                    Position = start;
                    throw new FormatException($"bad number '{bad}' in priority");
                }
                return _ => number;
            }
            if (char.IsAsciiLetterLower(c))
            {
                var start = Position;
                while (Position < text.Length && (char.IsAsciiLetterLower(text[Position]) || text[Position] == '_'))
                {
                    Position++;
                }
                var name = text[start..Position];
                Func<FiringValues, double>? variable = name switch
                {
                    "severity" => v => v.Severity,
                    "confidence" => v => v.Confidence,
                    "reports" => v => v.Reports,
                    "strikes" => v => v.Strikes,
                    _ => null,
                };
                if (variable is null)
                {
                    Position = start;
                    throw new FormatException($"unknown name '{name}' in priority; known: severity, confidence, reports, strikes");
                }
                return variable;
            }
            throw new FormatException($"unexpected '{c}' in priority");
        }
    }
}
