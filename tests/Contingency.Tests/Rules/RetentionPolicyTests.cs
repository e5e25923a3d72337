namespace Contingency.Tests.Rules;

using Contingency.Features.Retention;
using Microsoft.Extensions.Configuration;

/// <summary>The retention settings the service refuses to start with (one line, exit code 2), and what it reads from good ones.</summary>
public sealed class RetentionPolicyTests
{
    private static IConfiguration Config(string key, string value) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();

    [Theory]
    [InlineData("Retention:IdempotencyHours", "0")]
    [InlineData("Retention:IdempotencyHours", "8785")]
    [InlineData("Retention:IdempotencyHours", "1.5")]
    [InlineData("Retention:MemberDataDays", "-1")]
    [InlineData("Retention:MemberDataDays", "36501")]
    [InlineData("Retention:MemberDataDays", "seven years")]
    [InlineData("Retention:BatchSize", "0")]
    [InlineData("Retention:BatchSize", "4001")]
    [InlineData("Retention:ExpirySchedule", "every 15 minutes")]
    [InlineData("Retention:ExpirySchedule", "0/15 * * * *")]                 // five fields: Unix cron, not Quartz's
    [InlineData("Retention:ExpirySchedule", "0 0/15 * * * ? 2030")]          // a year: stops firing
    [InlineData("Retention:MemberDataSchedule", "0 30 2 30 2 ?")]           // 30 February: never fires
    [InlineData("Retention:MemberDataSchedule", "0 30 25 * * ?")]
    public void Out_of_range_settings_are_refused_naming_the_setting(string key, string value) =>
        Assert.Contains(key, RetentionPolicy.ConfigurationProblem(Config(key, value)));

    [Fact]
    public void Defaults_and_bounds_are_accepted()
    {
        var none = new ConfigurationBuilder().Build();
        Assert.Null(RetentionPolicy.ConfigurationProblem(none));
        Assert.Equal(new RetentionPolicy(24, 2555, 1000), RetentionPolicy.From(none));
        Assert.Null(RetentionPolicy.ConfigurationProblem(Config("Retention:MemberDataDays", "0")));
        Assert.Null(RetentionPolicy.ConfigurationProblem(Config("Retention:BatchSize", "4000")));
        Assert.Equal(8784, RetentionPolicy.From(Config("Retention:IdempotencyHours", "8784")).IdempotencyHours);
        Assert.Null(RetentionPolicy.ConfigurationProblem(Config("Retention:MemberDataSchedule", "0 0 4 ? * SUN")));
        Assert.Equal("0 0 4 ? * SUN", RetentionPolicy.From(Config("Retention:MemberDataSchedule", " 0 0 4 ? * SUN ")).MemberDataSchedule);
        Assert.Equal(("0 0/15 * * * ?", "0 30 2 * * ?"), (RetentionPolicy.From(none).ExpirySchedule, RetentionPolicy.From(none).MemberDataSchedule));
    }
}
