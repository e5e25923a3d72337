namespace Contingency.Features.Booking;

using System.Globalization;
using Contingency.Data.Entities;

/// <summary>
/// The appointment list's filters as the API's query: a program, a day or a provider, a status. The member
/// reference is health information and is never a filter here, so it never lands in a URL or a request log.
/// </summary>
public sealed class AppointmentQuery
{
    public const int PageSize = 50;

    public static readonly string[] Statuses = Appointment.Statuses;

    public DateOnly? Day { get; set; }
    public string ProviderId { get; set; } = "";
    public string Status { get; set; } = "";
    public int Page { get; set; } = 1;

    public string Path(string programId)
    {
        var query = new List<string> { $"programId={Uri.EscapeDataString(programId)}" };
        if (ProviderId.Trim() is { Length: > 0 } provider) query.Add($"providerId={Uri.EscapeDataString(provider)}");
        if (Status.Length > 0) query.Add($"status={Uri.EscapeDataString(Status)}");
        if (Day is { } day)
        {
            var date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            query.Add($"from={date}&to={date}");
        }
        query.Add($"page={Page}&pageSize={PageSize}");
        return "api/appointments?" + string.Join('&', query);
    }
}
