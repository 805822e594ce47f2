namespace Vigil.Hi1;

/// <summary>
/// One element of an HI-1 message, independent of its encoding: the XML form and the JSON form (element names as
/// keys, <c>@xsi:type</c>, arrays for repeated elements) both read into this tree, so one mapper serves both.
/// </summary>
public sealed class Hi1Node
{
    public Hi1Node(string name, string location)
    {
        Name = name;
        Location = location;
    }

    /// <summary>Local name, namespace prefix removed (<c>task:RequestDetails</c> becomes <c>RequestDetails</c>).</summary>
    public string Name { get; }

    /// <summary>Where it is in the request: <c>line 12</c> for XML, a JSON path for JSON.</summary>
    public string Location { get; }

    /// <summary>Local name of the <c>xsi:type</c>, when given.</summary>
    public string? Type { get; set; }

    /// <summary>Namespace of the <c>xsi:type</c>, when given.</summary>
    public string? TypeNamespace { get; set; }

    /// <summary>Text content of a leaf; null for elements with children.</summary>
    public string? Text { get; set; }

    public List<Hi1Node> Children { get; } = [];

    /// <summary>The first child named <paramref name="name"/>, or null.</summary>
    public Hi1Node? Child(string name) => Children.Find(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>All children named <paramref name="name"/>.</summary>
    public IEnumerable<Hi1Node> All(string name) => Children.Where(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>The trimmed text of the child <paramref name="name"/>, or null when absent or empty.</summary>
    public string? TextOf(string name)
    {
        var t = Child(name)?.Text?.Trim();
        return string.IsNullOrEmpty(t) ? null : t;
    }

    /// <summary>Creates a child with text (used to build responses).</summary>
    public Hi1Node Add(string name, string? text = null)
    {
        var n = new Hi1Node(name, "") { Text = text };
        Children.Add(n);
        return n;
    }

    /// <summary>Adds an existing node as a child and returns this node.</summary>
    public Hi1Node Add(Hi1Node child)
    {
        Children.Add(child);
        return this;
    }

    /// <summary>Strips a namespace prefix (<c>auth:X</c> -&gt; <c>X</c>).</summary>
    public static string LocalName(string qualified)
    {
        int i = qualified.IndexOf(':', StringComparison.Ordinal);
        return i < 0 ? qualified : qualified[(i + 1)..];
    }
}
