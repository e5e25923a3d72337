namespace Contingency.Data.Calendar;

public static class Instants
{
    /// <summary>
    /// Payment moments are whole seconds: a payment due "at once" and the run that releases it read
    /// the same clock, floored alike, so one is never a fraction of a second behind the other.
    /// </summary>
    public static DateTimeOffset ToWholeSecond(this DateTimeOffset instant) =>
        new(instant.Ticks - instant.Ticks % TimeSpan.TicksPerSecond, instant.Offset);
}
