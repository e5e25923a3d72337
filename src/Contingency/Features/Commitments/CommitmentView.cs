namespace Contingency.Features.Commitments;

using Contingency.Data;
using System.Text.Json.Serialization;
using Contingency.Data.Entities;

public sealed record CommitmentView(
    string Id, string ProgramId, string ProviderId, int SlotsPerDay, IReadOnlyList<DayOfWeek> Weekdays,
    TimeOnly FirstSlotAt, DateOnly StartsOn, int Weeks, DateOnly EndsOn, IReadOnlyList<DateOnly> ExcludedDates,
    string Status, int TotalSlots, DateOnly? WithdrawnEffectiveOn, [property: FreeTextData] string? WithdrawalReason)
{
    /// <summary>Only on the answer to a withdrawal: the ids of the appointments it displaced.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? DisplacedAppointments { get; init; }

    public static CommitmentView From(Commitment c) => new(
        c.Id, c.ProgramId, c.ProviderId, c.SlotsPerDay, c.Weekdays.Days.ToList(), c.FirstSlotAt, c.StartsOn, c.Weeks,
        c.EndsOn, c.ExcludedDates, c.Status, c.TotalSlots, c.WithdrawnEffectiveOn, c.WithdrawalReason);
}
