namespace Contingency.Tests.Slices;

using Contingency.Data;
using Contingency.Data.Calendar;
using Contingency.Data.Entities;
using Contingency.Features.Booking;
using Contingency.Features.Commitments;
using Contingency.Features.Programs;
using Contingency.Features.Providers;
using Contingency.Tests.Support;
using FluentValidation;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

/// <summary>Use cases sent through Mediator, pipeline and all, against the test database built by the migrations.</summary>
public sealed class BookingSliceTests(ContingencyApp app) : IClassFixture<ContingencyApp>
{
    private async Task<T> Send<T>(ICommand<T> command)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(command);
    }

    private async Task<T> InDb<T>(Func<ContingencyDb, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ContingencyDb>());
    }

    private async Task<(ProgramView Program, ProviderView Provider, CommitmentView Commitment)> Scenario()
    {
        var program = await Send(new CreateProgram("P", "America/Los_Angeles", new DateOnly(2027, 3, 1), 8, 60, [],
            new RatesBody(150m, 50m, 1000m, "USD"), new PaymentMomentBody(DayOfWeek.Friday, new TimeOnly(17, 0))));
        var provider = await Send(new Enroll("L", Api.NewNpi(), "LCSW", "L-1", "l@example.org", "Chico", ["video"], ["en"]));
        var commitment = await Send(new Commit(program.Id, provider.Id, 6,
            [DayOfWeek.Monday, DayOfWeek.Wednesday], new TimeOnly(9, 0), new DateOnly(2027, 3, 1), 8, [new DateOnly(2027, 3, 3)]));
        return (program, provider, commitment);
    }

    [Fact]
    public async Task The_database_refuses_a_booking_of_a_day_its_commitment_no_longer_covers_and_counts_every_other()
    {
        var (_, provider, commitment) = await Scenario();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ContingencyDb>();
        var now = app.Clock.GetUtcNow();
        // Both appointments found as a booking finds them, while the commitment still runs 8 weeks.
        var (early, _) = await SlotBooking.NewAppointmentAsync(db, provider.Id, DateTimeOffset.Parse("2027-03-08T09:00:00-08:00"),
            "M-1", Appointment.Intake, null, null, now, default);
        var (late, _) = await SlotBooking.NewAppointmentAsync(db, provider.Id, DateTimeOffset.Parse("2027-03-15T09:00:00-07:00"),
            "M-2", Appointment.Intake, null, null, now, default);
        Task<long> BookingsVersion() => db.Commitments.AsNoTracking().Where(c => c.Id == commitment.Id).Select(c => c.BookingsVersion).SingleAsync();
        var before = await BookingsVersion();

        // A withdrawal commits in between: the commitment now ends on Sunday 03-14.
        await db.Commitments.Where(c => c.Id == commitment.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.EndsOn, new DateOnly(2027, 3, 14)));

        db.Appointments.Add(late);
        var refused = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.True(SlotBooking.LostToWithdrawal(refused), refused.InnerException?.Message);
        db.ChangeTracker.Clear();
        Assert.Equal(before, await BookingsVersion());

        db.Appointments.Add(early);
        await db.SaveChangesAsync();
        Assert.Equal(before + 1, await BookingsVersion());
    }

    [Fact]
    public async Task The_pipeline_validates_before_any_handler_runs()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => Send(new Enroll("", "1", "RN", "", "x", "", [], [])));
        Assert.Contains(error.Errors, e => e.PropertyName == "npi");
        Assert.Contains(error.Errors, e => e.PropertyName == "licenseType");
    }

    [Fact]
    public async Task A_commitment_counts_its_slots_and_stores_its_pattern()
    {
        var (_, _, commitment) = await Scenario();
        Assert.Equal(6 * 15, commitment.TotalSlots); // 16 Mondays and Wednesdays less one excluded date
        var stored = await InDb(db => db.Commitments.SingleAsync(c => c.Id == commitment.Id));
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Wednesday], stored.Weekdays.Days);
        Assert.Equal([new DateOnly(2027, 3, 3)], stored.ExcludedDates);
        Assert.Equal(stored.ProgramId, stored.ActiveInProgramId);
    }

    [Fact]
    public async Task Withdrawal_releases_the_slots_of_displaced_appointments_in_the_same_save()
    {
        var (_, provider, commitment) = await Scenario();
        var early = await Send(Book.From(new BookBody(provider.Id, DateTimeOffset.Parse("2027-03-08T09:00:00-08:00"), "M-1", "intake", null, null), null));
        var late = await Send(Book.From(new BookBody(provider.Id, DateTimeOffset.Parse("2027-03-22T09:00:00-07:00"), "M-2", "intake", null, null), null));

        var withdrawn = await Send(new Withdraw(commitment.Id, new DateOnly(2027, 3, 15), "leaving"));

        Assert.Equal([late.Id], withdrawn.DisplacedAppointments);
        var rows = await InDb(db => db.Appointments.Where(a => a.ProviderId == provider.Id).ToDictionaryAsync(a => a.Id));
        Assert.Equal(Appointment.Displaced, rows[late.Id].Status);
        Assert.Null(rows[late.Id].HeldSlot);
        Assert.Equal(Appointment.Booked, rows[early.Id].Status);
        Assert.NotNull(rows[early.Id].HeldSlot);
        var stored = await InDb(db => db.Commitments.SingleAsync(c => c.Id == commitment.Id));
        Assert.Null(stored.ActiveInProgramId);
        Assert.Equal(new DateOnly(2027, 3, 14), stored.EndsOn);
        Assert.Equal(6 * 3, stored.TotalSlots); // Mon 1, Mon 8, Wed 10 (Wed 3 excluded)
    }

    [Fact]
    public async Task A_refused_booking_leaves_no_idempotency_record_behind()
    {
        var (_, provider, _) = await Scenario();
        var start = DateTimeOffset.Parse("2027-03-29T10:00:00-07:00");
        await Send(Book.From(new BookBody(provider.Id, start, "M-1", "intake", null, null), null));

        var refused = await Assert.ThrowsAsync<ConflictException>(() =>
            Send(Book.From(new BookBody(provider.Id, start, "M-2", "intake", null, null), "k-refused")));
        Assert.Equal(ErrorCodes.SlotTaken, refused.Code);
        Assert.False(await InDb(db => db.IdempotencyRecords.AnyAsync(r => r.Key.EndsWith("k-refused"))));
        Assert.Equal(1, await InDb(db => db.Appointments.CountAsync(a => a.ProviderId == provider.Id)));
    }

    [Fact]
    public async Task The_database_refuses_a_second_holder_of_a_slot_even_past_the_code()
    {
        var (_, provider, _) = await Scenario();
        var booked = await Send(Book.From(new BookBody(provider.Id, DateTimeOffset.Parse("2027-03-29T11:00:00-07:00"), "M-1", "intake", null, null), null));

        // Skip every check in code: insert a copy of the row straight through EF.
        await Assert.ThrowsAsync<DbUpdateException>(() => InDb(async db =>
        {
            var original = await db.Appointments.AsNoTracking().SingleAsync(a => a.Id == booked.Id);
            var commitment = await db.Commitments.AsNoTracking().SingleAsync(c => c.Id == original.CommitmentId);
            var provider = await db.Providers.AsNoTracking().SingleAsync(p => p.Id == original.ProviderId);
            db.Appointments.Add(new Appointment("copy", commitment, provider, new Slot(original.LocalDate, original.Start, original.End),
                new HashSet<DateOnly>(), "M-2", Appointment.Intake, null, null, DateTimeOffset.UtcNow));
            return await db.SaveChangesAsync();
        }));
    }
}
