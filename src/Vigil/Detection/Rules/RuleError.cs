using System.Globalization;

namespace Vigil.Detection.Rules;

/// <summary>One problem in a rules file, at a 1-based line and column.</summary>
public sealed record RuleError(string File, int Line, int Column, string Message)
{
    /// <summary>The compiler-style form: <c>file:line:column: message</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}: {Message}");
}
