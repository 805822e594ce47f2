using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Vigil.Storage;

/// <summary>Stores a <see cref="DateTimeOffset"/> as UTC ticks (SQLite cannot order its text form).</summary>
public sealed class DateTimeOffsetToUtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
