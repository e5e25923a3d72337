namespace Contingency.Migrations.SqlServer;

using Contingency.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

/// <summary>Lets `dotnet ef migrations add` and `migrations script` build the SQL Server model without a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<ContingencyDb>
{
    public ContingencyDb CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<ContingencyDb>();
        SqlServerProvider.Instance.Configure(options, "Server=localhost;Database=contingency_design_time");
        return new ContingencyDb(options.Options);
    }
}
