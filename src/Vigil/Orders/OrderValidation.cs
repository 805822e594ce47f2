using Vigil.Authorities;

namespace Vigil.Orders;

/// <summary>One validation failure: the field (a path such as <c>tasks[0].selectors[1].value</c>), a stable code, a message.</summary>
public sealed record OrderError(string Field, string Code, string Message);

/// <summary>
/// Checks an order before it is created, the same way whatever the channel (HI-1 JSON or XML, portal form): the
/// authority may use the instrument, every task asks for a category the instrument allows, for specific selectors
/// over a bounded time range. Selectors are normalised in place. An order with any error is not created.
/// </summary>
public static class OrderValidation
{
    /// <summary>Longest data time range one task may ask for.</summary>
    public static readonly TimeSpan MaxTimeRange = TimeSpan.FromDays(366);

    public const int MaxTasks = 100;

    public const int MaxSelectorsPerTask = 100;

    public static IReadOnlyList<OrderError> Validate(LegalOrder order, Authority authority, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(authority);
        var errors = new List<OrderError>();
        var rules = InstrumentRules.For(order.Instrument);
        if (authority.DisabledAt is not null)
        {
            errors.Add(new("authority", "authority_disabled", $"authority {authority.Code} is no longer registered"));
        }
        if (!authority.Instruments.Contains(order.Instrument))
        {
            errors.Add(new("instrument", "instrument_not_permitted", $"authority {authority.Code} may not use {rules.Code}"));
        }
        if (string.IsNullOrWhiteSpace(order.Reference))
        {
            errors.Add(new("reference", "required", "the order's reference is required"));
        }
        if (order.Emergency && rules.EmergencyDeadline is null)
        {
            errors.Add(new("emergency", "emergency_not_available", $"{rules.Code} has no emergency procedure"));
        }
        if (order.Instrument == LegalInstrument.UkUsOverseasProductionOrder && !order.NotUsPersonAttested)
        {
            errors.Add(new("attestation", "us_person_attestation_required", "a UK-US order must attest that it does not target a US person"));
        }
        if (order.AuthorisedFrom is { } af && order.AuthorisedTo is { } at && at <= af)
        {
            errors.Add(new("authorisation.end_time", "invalid_range", "the authorisation ends before it starts"));
        }
        if (order.AuthorisedTo is { } end && end <= now)
        {
            errors.Add(new("authorisation.end_time", "expired", "the authorisation has expired"));
        }
        if (order.Tasks.Count == 0)
        {
            errors.Add(new("tasks", "required", "an order needs at least one task"));
        }
        if (order.Tasks.Count > MaxTasks)
        {
            errors.Add(new("tasks", "too_many", $"at most {MaxTasks} tasks"));
        }
        for (int i = 0; i < order.Tasks.Count && i < MaxTasks; i++)
        {
            ValidateTask(order.Tasks[i], $"tasks[{i}]", rules, errors);
        }
        return errors;
    }

    private static void ValidateTask(OrderTask task, string path, InstrumentRules rules, List<OrderError> errors)
    {
        var expected = rules.Removes ? TaskKind.Removal
            : rules.Instrument == LegalInstrument.EuPreservationOrder ? TaskKind.Preservation
            : TaskKind.Disclosure;
        if (task.Kind != expected)
        {
            errors.Add(new($"{path}.kind", "task_kind_not_permitted", $"a {rules.Code} order asks for {expected}, not {task.Kind}"));
        }
        if (task.Kind != TaskKind.Removal)
        {
            if (task.Category is not { } category)
            {
                errors.Add(new($"{path}.category", "required", "the data category is required"));
            }
            else if (!rules.Categories.Contains(category))
            {
                errors.Add(new($"{path}.category", "category_not_permitted", $"{rules.Code} may not ask for {category}"));
            }
            if (task.StartTime is not { } start || task.EndTime is not { } end)
            {
                errors.Add(new($"{path}.time_range", "unbounded_time_range", "a start and an end time are required"));
            }
            else if (end <= start)
            {
                errors.Add(new($"{path}.time_range", "invalid_range", "the end time is not after the start time"));
            }
            else if (end - start > MaxTimeRange)
            {
                errors.Add(new($"{path}.time_range", "time_range_too_long", $"a task may cover at most {MaxTimeRange.TotalDays:0} days"));
            }
        }
        if (task.Selectors.Count == 0)
        {
            errors.Add(new($"{path}.selectors", "required", "at least one specific selector is required"));
        }
        if (task.Selectors.Count > MaxSelectorsPerTask)
        {
            errors.Add(new($"{path}.selectors", "too_many", $"at most {MaxSelectorsPerTask} selectors per task"));
        }
        for (int j = 0; j < task.Selectors.Count && j < MaxSelectorsPerTask; j++)
        {
            var s = task.Selectors[j];
            var sp = $"{path}.selectors[{j}]";
            bool removalTarget = s.Kind is SelectorKind.ItemId or SelectorKind.Url;
            if (task.Kind == TaskKind.Removal != removalTarget)
            {
                errors.Add(new($"{sp}.kind", "selector_kind_not_permitted",
                    task.Kind == TaskKind.Removal ? "a removal names items by id or URL" : $"{s.Kind} cannot select {task.Category} records"));
                continue;
            }
            var normalised = Selectors.Normalise(s.Kind, s.Value, out var error);
            if (normalised is null)
            {
                errors.Add(new($"{sp}.value", "selector_not_specific", error ?? "invalid"));
                continue;
            }
            s.Value = normalised;
            if (!Selectors.IsValidPort(s.Port) || (s.Port is not null && s.Kind != SelectorKind.IpAddress))
            {
                errors.Add(new($"{sp}.port", "invalid_port", "a port (1-65535) goes only with an IP address"));
            }
        }
    }
}
