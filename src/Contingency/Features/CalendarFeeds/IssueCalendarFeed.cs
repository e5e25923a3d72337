namespace Contingency.Features.CalendarFeeds;

using Contingency.Data;
using Contingency.Data.Entities;
using Contingency.Infrastructure;
using Contingency.Infrastructure.Security;
using Mediator;
using Microsoft.EntityFrameworkCore;

/// <summary>The secret of a new feed URL; shown to the caller once, never kept.</summary>
public sealed record IssuedCalendarFeed([property: SecretData] string Secret);

/// <summary>Issues a provider's calendar feed, or replaces its secret: the URL issued before then answers 404.</summary>
public sealed record IssueCalendarFeed(string ProviderId) : ICommand<IssuedCalendarFeed>;

public sealed class IssueCalendarFeedHandler(ContingencyDb db, Caller caller, TimeProvider clock) : ICommandHandler<IssueCalendarFeed, IssuedCalendarFeed>
{
    public async ValueTask<IssuedCalendarFeed> Handle(IssueCalendarFeed command, CancellationToken ct)
    {
        caller.RequireVisible("provider", command.ProviderId, command.ProviderId);
        if (!await db.Providers.AnyAsync(p => p.Id == command.ProviderId, ct))
            throw new NotFoundException("provider", command.ProviderId);
        var now = clock.GetUtcNow();
        var feed = await db.CalendarFeeds.FirstOrDefaultAsync(f => f.ProviderId == command.ProviderId, ct);
        if (feed is null) db.CalendarFeeds.Add(feed = new CalendarFeed(command.ProviderId, now));
        var secret = feed.Issue(now);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            // Two first issues at once: the other one's secret stands, and this caller asks again.
            throw new ConflictException(ErrorCodes.ConcurrentUpdate, "Another request issued this provider's feed at the same moment; issue it again.");
        }
        return new IssuedCalendarFeed(secret);
    }
}
