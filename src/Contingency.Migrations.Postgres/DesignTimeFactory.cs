namespace Contingency.Migrations.Postgres;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

/// <summary>Lets `dotnet ef migrations add` build the PostgreSQL model without a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ContingencyDb>
{
    public ContingencyDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        PostgresProvider.Instance.Configure(options, "Host=localhost;Database=contingency_design_time");
        return new ContingencyDb(options.Options);
    }
}
