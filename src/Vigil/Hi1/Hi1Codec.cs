using System.Text;
using System.Text.Json;
using System.Xml;

namespace Vigil.Hi1;

/// <summary>Which encoding a request came in (and its answer goes out in).</summary>
public enum Hi1Encoding
{
    Json,
    Xml,
}

/// <summary>
/// Reads HI-1 messages from XML or JSON into <see cref="Hi1Node"/> trees and writes answers back, defensively:
/// XML without DTDs, entities or resolvers; both with depth and size limits. Every failure is a
/// <see cref="Hi1Exception"/> with a precise code and location.
/// </summary>
public static class Hi1Codec
{
    public const string CoreNamespace = "http://uri.etsi.org/03120/common/2019/10/Core";
    public const string CommonNamespace = "http://uri.etsi.org/03120/common/2016/02/Common";
    public const string TaskNamespace = "http://uri.etsi.org/03120/common/2020/09/Task";
    public const string AuthorisationNamespace = "http://uri.etsi.org/03120/common/2020/09/Authorisation";
    public const string DocumentNamespace = "http://uri.etsi.org/03120/common/2020/09/Document";
    public const string DeliveryNamespace = "http://uri.etsi.org/03120/common/2019/10/Delivery";
    public const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    /// <summary>Deepest element nesting accepted (a valid message needs about 12).</summary>
    public const int MaxDepth = 32;

    /// <summary>Largest decoded message accepted, in bytes (documents are carried base64 inside it).</summary>
    public const int MaxMessageBytes = 6 * 1024 * 1024;

    private static readonly Dictionary<string, string> Prefixes = new(StringComparer.Ordinal)
    {
        ["common"] = CommonNamespace,
        ["task"] = TaskNamespace,
        ["auth"] = AuthorisationNamespace,
        ["doc"] = DocumentNamespace,
        ["delivery"] = DeliveryNamespace,
    };

    /// <summary>Names written as JSON arrays even with one element (they repeat in the schema).</summary>
    private static readonly HashSet<string> Repeated = new(StringComparer.Ordinal)
    {
        "ActionRequest", "ActionResponse", "ListResponseRecord", "FieldError", "task:RequestValue", "AssociatedObject",
    };

    private static readonly HashSet<string> Numbers = new(StringComparer.Ordinal) { "ActionIdentifier", "ErrorCode", "Generation" };

    /// <summary>The encoding of a payload: XML when its first non-blank character is '&lt;', JSON when '{'.</summary>
    public static Hi1Encoding Sniff(ReadOnlySpan<byte> payload)
    {
        foreach (var b in payload)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }
            return b == (byte)'<' ? Hi1Encoding.Xml : Hi1Encoding.Json;
        }
        return Hi1Encoding.Json;
    }

    public static Hi1Node Read(byte[] payload, Hi1Encoding encoding) =>
        encoding == Hi1Encoding.Xml ? ReadXml(payload) : ReadJson(payload);

    /// <summary>Reads the JSON form; the root object is the HI1Message.</summary>
    public static Hi1Node ReadJson(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > MaxMessageBytes)
        {
            throw Hi1Exception.Malformed("message_too_large", $"the HI-1 message is {payload.Length} bytes; at most {MaxMessageBytes}");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException e) when (e.Message.Contains("maximum configured depth", StringComparison.OrdinalIgnoreCase))
        {
            throw Hi1Exception.Malformed("json_too_deep", $"JSON nested deeper than {MaxDepth} levels (line {e.LineNumber + 1})");
        }
        catch (JsonException e)
        {
            throw Hi1Exception.Malformed("json_malformed", $"malformed JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}");
        }
        catch (ArgumentException)
        {
            throw Hi1Exception.Malformed("json_malformed", "the JSON is not valid UTF-8");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Hi1Exception.Malformed("json_malformed", "the JSON message must be an object (the HI1Message)");
            }
            var root = new Hi1Node("HI1Message", "$");
            try
            {
                FillJson(root, doc.RootElement, "$");
            }
            catch (InvalidOperationException)
            {
                // JsonDocument checks string contents only when they are read.
                throw Hi1Exception.Malformed("json_malformed", "a JSON string is not valid UTF-8");
            }
            return root;
        }
    }

    private static void FillJson(Hi1Node node, JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (p.Name.StartsWith('@'))
                    {
                        if (p.Name == "@xsi:type")
                        {
                            SetJsonType(node, p.Value, path);
                        }
                        // Other attributes (@xmlns...) carry nothing the mapper needs.
                        continue;
                    }
                    var childPath = path + "." + p.Name;
                    if (p.Value.ValueKind == JsonValueKind.Array)
                    {
                        int i = 0;
                        foreach (var item in p.Value.EnumerateArray())
                        {
                            var itemPath = $"{childPath}[{i++}]";
                            var child = new Hi1Node(Hi1Node.LocalName(p.Name), itemPath);
                            FillJson(child, item, itemPath);
                            node.Children.Add(child);
                        }
                    }
                    else
                    {
                        var child = new Hi1Node(Hi1Node.LocalName(p.Name), childPath);
                        FillJson(child, p.Value, childPath);
                        node.Children.Add(child);
                    }
                }
                break;
            case JsonValueKind.String:
                node.Text = e.GetString();
                break;
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                node.Text = e.GetRawText();
                break;
            case JsonValueKind.Array:
                throw Hi1Exception.Malformed("json_malformed", $"nested arrays are not HI-1 ({path})");
            default:
                break;
        }
    }

    private static void SetJsonType(Hi1Node node, JsonElement value, string path)
    {
        var t = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrEmpty(t))
        {
            throw Hi1Exception.Malformed("xsi_type_invalid", $"@xsi:type must be a string at {path}");
        }
        // "{namespace}LocalName" (the shared vector's form) or "prefix:LocalName" with the standard prefixes.
        if (t.StartsWith('{') && t.IndexOf('}', StringComparison.Ordinal) is var close and > 0)
        {
            node.TypeNamespace = t[1..close];
            node.Type = t[(close + 1)..];
        }
        else if (t.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 && Prefixes.TryGetValue(t[..colon], out var ns))
        {
            node.TypeNamespace = ns;
            node.Type = t[(colon + 1)..];
        }
        else
        {
            throw Hi1Exception.Malformed("xsi_type_invalid", $"@xsi:type '{Cut(t)}' at {path} is neither {{namespace}}Name nor a known prefix");
        }
    }

    /// <summary>Reads the XML form: the root must be <c>HI1Message</c> in the Core namespace.</summary>
    public static Hi1Node ReadXml(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length > MaxMessageBytes)
        {
            throw Hi1Exception.Malformed("message_too_large", $"the HI-1 message is {payload.Length} bytes; at most {MaxMessageBytes}");
        }
        var settings = new XmlReaderSettings
        {
            // No DTD at all: this refuses external entities (XXE) and entity expansion ("billion laughs") outright.
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersFromEntities = 1024,
            MaxCharactersInDocument = MaxMessageBytes,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = true,
        };
        using var stream = new MemoryStream(payload, writable: false);
        using var reader = XmlReader.Create(stream, settings);
        var info = (IXmlLineInfo)reader;
        var stack = new Stack<Hi1Node>();
        Hi1Node? root = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (reader.Depth >= MaxDepth)
                        {
                            throw Hi1Exception.Malformed("xml_too_deep", $"XML nested deeper than {MaxDepth} levels at line {info.LineNumber}");
                        }
                        var node = new Hi1Node(reader.LocalName, $"line {info.LineNumber}");
                        if (root is null)
                        {
                            if (reader.LocalName != "HI1Message" || reader.NamespaceURI != CoreNamespace)
                            {
                                throw Hi1Exception.Malformed("not_hi1", $"the root element must be HI1Message in {CoreNamespace} (line {info.LineNumber})");
                            }
                            root = node;
                        }
                        else
                        {
                            stack.Peek().Children.Add(node);
                        }
                        if (reader.GetAttribute("type", XsiNamespace) is { } type)
                        {
                            int colon = type.IndexOf(':', StringComparison.Ordinal);
                            var prefix = colon < 0 ? "" : type[..colon];
                            node.Type = colon < 0 ? type : type[(colon + 1)..];
                            node.TypeNamespace = reader.LookupNamespace(prefix)
                                ?? throw Hi1Exception.Malformed("xsi_type_invalid", $"xsi:type '{Cut(type)}' uses an undeclared prefix (line {info.LineNumber})");
                        }
                        if (!reader.IsEmptyElement)
                        {
                            stack.Push(node);
                        }
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                        if (stack.Count > 0)
                        {
                            var current = stack.Peek();
                            current.Text = current.Text is null ? reader.Value : current.Text + reader.Value;
                        }
                        break;
                    case XmlNodeType.EndElement:
                        stack.Pop();
                        break;
                    default:
                        break;
                }
            }
        }
        catch (XmlException e) when (e.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw Hi1Exception.Malformed("xml_dtd_prohibited", $"DTDs and entities are not accepted (line {e.LineNumber})");
        }
        catch (XmlException e) when (e.Message.Contains("MaxCharacters", StringComparison.Ordinal))
        {
            throw Hi1Exception.Malformed("message_too_large", $"XML over the size limit (line {e.LineNumber})");
        }
        catch (XmlException e)
        {
            throw Hi1Exception.Malformed("xml_malformed", $"malformed XML at line {e.LineNumber}, position {e.LinePosition}: {Cut(e.Message)}");
        }
        return root ?? throw Hi1Exception.Malformed("xml_malformed", "no root element");
    }

    public static byte[] Write(Hi1Node root, Hi1Encoding encoding) =>
        encoding == Hi1Encoding.Xml ? WriteXml(root) : WriteJson(root);

    /// <summary>Writes the JSON form (the shape of the shared vector: prefixed keys, arrays for repeated elements).</summary>
    public static byte[] WriteJson(Hi1Node root)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("@xmlns", CoreNamespace);
            w.WriteString("@xmlns:xsi", XsiNamespace);
            foreach (var (prefix, ns) in Prefixes)
            {
                w.WriteString("@xmlns:" + prefix, ns);
            }
            WriteJsonChildren(w, root);
            w.WriteEndObject();
        }
        return ms.ToArray();
    }

    private static void WriteJsonChildren(Utf8JsonWriter w, Hi1Node node)
    {
        if (node.Type is not null)
        {
            w.WriteString("@xsi:type", "{" + node.TypeNamespace + "}" + node.Type);
        }
        foreach (var group in node.Children.GroupBy(c => c.Name))
        {
            w.WritePropertyName(group.Key);
            if (group.Count() > 1 || Repeated.Contains(group.Key))
            {
                w.WriteStartArray();
                foreach (var c in group)
                {
                    WriteJsonValue(w, c);
                }
                w.WriteEndArray();
            }
            else
            {
                WriteJsonValue(w, group.First());
            }
        }
    }

    private static void WriteJsonValue(Utf8JsonWriter w, Hi1Node n)
    {
        if (n.Children.Count == 0 && n.Type is null)
        {
            if (Numbers.Contains(n.Name) && long.TryParse(n.Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
            {
                w.WriteNumberValue(number);
            }
            else
            {
                w.WriteStringValue(Clean(n.Text ?? ""));
            }
            return;
        }
        w.WriteStartObject();
        WriteJsonChildren(w, n);
        w.WriteEndObject();
    }

    /// <summary>Writes the XML form with the standard namespaces and prefixes.</summary>
    public static byte[] WriteXml(Hi1Node root)
    {
        ArgumentNullException.ThrowIfNull(root);
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) }))
        {
            w.WriteStartDocument();
            w.WriteStartElement("HI1Message", CoreNamespace);
            w.WriteAttributeString("xmlns", "xsi", null, XsiNamespace);
            foreach (var (prefix, ns) in Prefixes)
            {
                w.WriteAttributeString("xmlns", prefix, null, ns);
            }
            foreach (var c in root.Children)
            {
                WriteXmlNode(w, c);
            }
            w.WriteEndElement();
        }
        return ms.ToArray();
    }

    private static void WriteXmlNode(XmlWriter w, Hi1Node n)
    {
        int colon = n.Name.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            w.WriteStartElement(n.Name[..colon], n.Name[(colon + 1)..], Prefixes[n.Name[..colon]]);
        }
        else
        {
            w.WriteStartElement(n.Name, CoreNamespace);
        }
        if (n.Type is not null)
        {
            var prefix = Prefixes.FirstOrDefault(p => p.Value == n.TypeNamespace).Key;
            w.WriteAttributeString("xsi", "type", XsiNamespace, prefix is null ? n.Type : prefix + ":" + n.Type);
        }
        if (n.Text is not null)
        {
            w.WriteString(Clean(n.Text));
        }
        foreach (var c in n.Children)
        {
            WriteXmlNode(w, c);
        }
        w.WriteEndElement();
    }

    /// <summary>Replaces characters neither XML nor JSON can carry (control characters, lone surrogates) that a hostile request may echo into an error message.</summary>
    private static string Clean(string s)
    {
        if (s.All(c => XmlConvert.IsXmlChar(c)))
        {
            return s;
        }
        return new string(s.Select(c => XmlConvert.IsXmlChar(c) ? c : '?').ToArray());
    }

    internal static string Cut(string s) => s.Length <= 120 ? s : s[..120] + "...";
}
