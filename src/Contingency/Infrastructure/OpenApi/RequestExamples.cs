namespace Contingency.Infrastructure.OpenApi;

using System.Globalization;
using System.Text.Json.Nodes;
using Contingency.Data.Calendar;
using Contingency.Features.Booking;
using Contingency.Features.Commitments;
using Contingency.Features.Programs;
using Contingency.Features.Providers;

/// <summary>
/// Request bodies that the API reference offers to send: the contract's examples, with dates moved to
/// the coming weeks so that a commitment or a booking is not refused as in the past. Ids cannot be
/// known ahead; the example ids answer 404 until replaced by ones the service gave.
/// </summary>
public static class RequestExamples
{
    private const string Zone = "America/Los_Angeles";
    private const string ProviderId = "0199a1b2c3d47e5f8a9b0c1d2e3f4a5b";

    public static JsonNode? For(Type record, TimeProvider clock)
    {
        var zone = ProgramZone.Find(Zone);
        var today = zone.Today(clock);
        // A Monday one to two weeks ahead: far enough that the payment moment before it has not passed either.
        var startsOn = today.AddDays(((int)DayOfWeek.Monday - (int)today.DayOfWeek + 7) % 7 + 7);

        return record.Name switch
        {
            nameof(CreateProgram) => new JsonObject
            {
                ["name"] = "NorCal outpatient mental health contingency",
                ["timeZone"] = Zone,
                ["startsOn"] = Date(startsOn),
                ["weeks"] = 8,
                ["sessionMinutes"] = 60,
                ["holidays"] = new JsonArray(Date(startsOn.AddDays(4))),
                ["rates"] = new JsonObject { ["session"] = 150.00m, ["premium"] = 50.00m, ["signingBonus"] = 1000.00m, ["currency"] = "USD" },
                ["payments"] = new JsonObject { ["weekday"] = "Friday", ["time"] = "17:00" },
            },
            nameof(ExtendProgramBody) => new JsonObject { ["weeks"] = 2 },
            nameof(Enroll) => new JsonObject
            {
                ["name"] = "Leslie Hansen",
                ["npi"] = "1234567893",
                ["licenseType"] = "LMFT",
                ["licenseNumber"] = "LMFT 54321",
                ["email"] = "lh@example.org",
                ["region"] = "Santa Rosa",
                ["modalities"] = new JsonArray("video", "in-person"),
                ["languages"] = new JsonArray("en", "es"),
            },
            nameof(CommitBody) => new JsonObject
            {
                ["providerId"] = ProviderId,
                ["slotsPerDay"] = 6,
                ["weekdays"] = new JsonArray("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"),
                ["firstSlotAt"] = "09:00",
                ["startsOn"] = Date(startsOn),
                ["weeks"] = 8,
                ["excludedDates"] = new JsonArray(),
            },
            nameof(CorrectProviderBody) => new JsonObject
            {
                ["email"] = "leslie.hansen@example.org",
                ["languages"] = new JsonArray("en", "es", "pt"),
            },
            nameof(DeactivateProviderBody) => new JsonObject
            {
                ["effectiveOn"] = Date(startsOn.AddDays(14)),
                ["reason"] = "licence lapsed",
            },
            nameof(WithdrawBody) => new JsonObject
            {
                ["effectiveOn"] = Date(startsOn.AddDays(14)),
                ["reason"] = "returning to private practice",
            },
            nameof(BookBody) => new JsonObject
            {
                ["providerId"] = ProviderId,
                ["start"] = Instant(zone, startsOn, new TimeOnly(9, 0)),
                ["memberRef"] = "M-000123",
                ["kind"] = "follow-up",
                ["previousVisitOn"] = Date(startsOn.AddDays(-7)),
                ["modality"] = "video",
            },
            nameof(CancelBody) => new JsonObject { ["reason"] = "member asked to cancel", ["initiatedBy"] = "member" },
            nameof(RescheduleBody) => new JsonObject
            {
                ["providerId"] = ProviderId,
                ["start"] = Instant(zone, startsOn.AddDays(1), new TimeOnly(10, 0)),
            },
            _ => null,
        };
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Instant(ProgramZone zone, DateOnly date, TimeOnly time) =>
        zone.ToLocal(zone.ToInstant(date, time)!.Value).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
