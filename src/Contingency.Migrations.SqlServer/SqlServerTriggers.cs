namespace Contingency.Migrations.SqlServer;

using Contingency.Data.Entities;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Metadata.Conventions;

/// <summary>
/// The triggers of the SQL Server schema, declared to EF Core. A table with a trigger cannot take an
/// INSERT or UPDATE with an OUTPUT clause (the way EF Core reads back generated values by default);
/// told of the trigger, EF Core reads them back another way. The triggers themselves are created by the
/// migrations; these names must match theirs (a test reads the migration script for each).
/// </summary>
public sealed class SqlServerTriggers : IModelFinalizingConvention
{
    /// <summary>INSTEAD OF INSERT on Appointments: the booking/withdrawal rule.</summary>
    public const string RequireCommittedDay = "Appointments_RequireCommittedDay";

    /// <summary>AFTER INSERT, UPDATE, DELETE on Appointments: keeps BookedCounts.</summary>
    public const string CountBooked = "Appointments_CountBooked";

    /// <summary>AFTER UPDATE, DELETE on AuditEntries: the trail is append-only.</summary>
    public const string AuditAppendOnly = "AuditEntries_AppendOnly";

    public static readonly IReadOnlyList<(Type Entity, string Trigger)> Declared =
    [
        (typeof(Appointment), RequireCommittedDay),
        (typeof(Appointment), CountBooked),
        (typeof(AuditEntry), AuditAppendOnly),
    ];

    public void ProcessModelFinalizing(IConventionModelBuilder modelBuilder, IConventionContext<IConventionModelBuilder> context)
    {
        foreach (var (entity, trigger) in Declared)
            modelBuilder.Metadata.FindEntityType(entity)?.Builder.HasTrigger(trigger);
    }
}
