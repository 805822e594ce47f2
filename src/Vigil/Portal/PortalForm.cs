using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Vigil.Authorities;
using Vigil.Orders;

namespace Vigil.Portal;

/// <summary>
/// The portal's request form: generic legal process, emergency disclosure requests and UK-US orders, read from the
/// posted form into a <see cref="LegalOrder"/> (not saved) plus the errors, each named by the form field it concerns.
/// </summary>
public static partial class PortalForm
{
    /// <summary>The instruments an authority may use through the form (the others come as signed HI-1 requests).</summary>
    public static readonly IReadOnlyList<LegalInstrument> Instruments =
        [LegalInstrument.GenericLegalProcess, LegalInstrument.EmergencyDisclosureRequest, LegalInstrument.UkUsOverseasProductionOrder];

    /// <summary>Task blocks and selector rows the form shows; blank ones are ignored.</summary>
    public const int TaskRows = 2;

    public const int SelectorRows = 3;

    /// <summary>Largest order document accepted.</summary>
    public const long MaxDocumentBytes = 10 * 1024 * 1024;

    /// <summary>The form's values as posted, to show them again beside the errors.</summary>
    public sealed record Values(IReadOnlyDictionary<string, string> Fields)
    {
        public static readonly Values Empty = new(new Dictionary<string, string>(StringComparer.Ordinal));

        public string this[string name] => Fields.TryGetValue(name, out var v) ? v : "";
    }

    /// <summary>The result of reading the form: an order ready to save when <see cref="Errors"/> is empty.</summary>
    public sealed record Result(LegalOrder? Order, IReadOnlyList<OrderError> Errors, Values Values);

    [GeneratedRegex(@"^tasks\[(\d+)\](?:\.selectors\[(\d+)\])?")]
    private static partial Regex TaskPath();

    /// <summary>
    /// Reads and validates the form with <see cref="OrderValidation.Validate"/>; error fields are rewritten to the
    /// form's own task and selector positions, so each error shows next to its input.
    /// </summary>
    public static async Task<Result> ReadAsync(IFormCollection form, Authority authority, string submittedBy, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(authority);
        var values = new Values(form.Keys.ToDictionary(k => k, k => form[k].ToString(), StringComparer.Ordinal));
        var errors = new List<OrderError>();
        var instrument = InstrumentRules.ForCode(values["instrument"]) is { } rules && Instruments.Contains(rules.Instrument) ? rules.Instrument : (LegalInstrument?)null;
        if (instrument is null)
        {
            errors.Add(new("instrument", "required", "choose one of the instruments offered"));
        }
        var order = new LegalOrder
        {
            AuthorityId = authority.Id,
            Instrument = instrument ?? LegalInstrument.GenericLegalProcess,
            Reference = values["reference"].Trim(),
            Channel = OrderChannel.PortalForm,
            State = OrderState.Received,
            // An emergency disclosure request is an emergency by definition.
            Emergency = values["emergency"] == "true" || instrument == LegalInstrument.EmergencyDisclosureRequest,
            SubmittedBy = submittedBy,
            ReceivedAt = now,
            UpdatedAt = now,
            NotUsPersonAttested = values["attestation"] == "true",
        };
        if (order.Reference.Length > 256)
        {
            errors.Add(new("reference", "too_long", "at most 256 characters"));
        }
        var taskMap = new List<int>();
        var selectorMap = new List<List<int>>();
        for (int i = 0; i < TaskRows; i++)
        {
            var p = $"tasks[{i}]";
            var rows = Enumerable.Range(0, SelectorRows)
                .Where(j => values[$"{p}.selectors[{j}].value"].Trim().Length > 0 || values[$"{p}.selectors[{j}].port"].Trim().Length > 0).ToList();
            bool used = rows.Count > 0 || values[$"{p}.category"].Length > 0 || values[$"{p}.start"].Length > 0 || values[$"{p}.end"].Length > 0;
            if (!used)
            {
                continue;
            }
            var task = new OrderTask { Kind = TaskKind.Disclosure, Reference = $"T{taskMap.Count + 1}", Decision = TaskDecision.Pending };
            if (values[$"{p}.category"].Length > 0)
            {
                if (Enum.TryParse<DataCategory>(values[$"{p}.category"], out var cat) && Enum.IsDefined(cat))
                {
                    task.Category = cat;
                }
                else
                {
                    errors.Add(new($"{p}.category", "unknown_category", $"unknown data category '{values[$"{p}.category"]}'"));
                }
            }
            task.StartTime = Time(values[$"{p}.start"], $"{p}.time_range", "start", errors);
            task.EndTime = Time(values[$"{p}.end"], $"{p}.time_range", "end", errors);
            foreach (var j in rows)
            {
                var sp = $"{p}.selectors[{j}]";
                var selector = new OrderSelector { Kind = SelectorKind.AccountId, Value = values[$"{sp}.value"] };
                if (Enum.TryParse<SelectorKind>(values[$"{sp}.kind"], out var kind) && Enum.IsDefined(kind))
                {
                    selector.Kind = kind;
                }
                else
                {
                    errors.Add(new($"{sp}.kind", "unknown_kind", $"unknown selector kind '{values[$"{sp}.kind"]}'"));
                }
                var port = values[$"{sp}.port"].Trim();
                if (port.Length > 0)
                {
                    if (int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                    {
                        selector.Port = n;
                    }
                    else
                    {
                        errors.Add(new($"{sp}.port", "invalid_port", "a port is a number from 1 to 65535"));
                    }
                }
                task.Selectors.Add(selector);
            }
            taskMap.Add(i);
            selectorMap.Add(rows);
            order.Tasks.Add(task);
        }
        foreach (var e in OrderValidation.Validate(order, authority, now))
        {
            errors.Add(e with { Field = ToFormField(e.Field, taskMap, selectorMap) });
        }
        var document = await DocumentAsync(form.Files.GetFile("document"), now, errors, ct);
        if (document is not null)
        {
            order.Documents.Add(document);
        }
        // The same field may be reported twice (e.g. two unparsable times); one message each is enough.
        var distinct = errors.DistinctBy(e => (e.Field, e.Code)).ToList();
        return new Result(distinct.Count == 0 ? order : null, distinct, values);
    }

    private static string ToFormField(string field, List<int> taskMap, List<List<int>> selectorMap)
    {
        var m = TaskPath().Match(field);
        if (!m.Success)
        {
            return field;
        }
        int ti = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (ti >= taskMap.Count)
        {
            return field;
        }
        var mapped = $"tasks[{taskMap[ti]}]";
        if (m.Groups[2].Success)
        {
            int si = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            mapped += si < selectorMap[ti].Count ? $".selectors[{selectorMap[ti][si]}]" : $".selectors[{si}]";
        }
        return mapped + field[m.Length..];
    }

    private static DateTimeOffset? Time(string text, string field, string which, List<OrderError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
        if (DateTimeOffset.TryParseExact(text.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
        {
            return t;
        }
        errors.Add(new(field, "invalid_time", $"the {which} time '{text}' is not a date and time (UTC)"));
        return null;
    }

    /// <summary>The signed order document: required, a PDF (by its <c>%PDF-</c> signature), at most <see cref="MaxDocumentBytes"/>.</summary>
    private static async Task<OrderDocument?> DocumentAsync(IFormFile? file, DateTimeOffset now, List<OrderError> errors, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
        {
            errors.Add(new("document", "required", "attach the signed order document (PDF)"));
            return null;
        }
        if (file.Length > MaxDocumentBytes)
        {
            errors.Add(new("document", "too_large", $"the document is {file.Length} bytes; at most {MaxDocumentBytes} are accepted"));
            return null;
        }
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, ct);
        var bytes = buffer.ToArray();
        if (bytes.Length < 5 || !bytes.AsSpan(0, 5).SequenceEqual("%PDF-"u8))
        {
            errors.Add(new("document", "not_pdf", "the document is not a PDF"));
            return null;
        }
        var name = Path.GetFileName(file.FileName ?? "");
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        return new OrderDocument
        {
            Reference = name.Length is > 0 and <= 200 ? name : "order.pdf",
            DocumentType = "SignedOrder",
            ContentType = "application/pdf",
            Content = bytes,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ReceivedAt = now,
        };
    }
}
