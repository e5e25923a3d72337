namespace Contingency.Tests.Rules;

using Contingency.Data;

public sealed class NpiTests
{
    [Theory]
    [InlineData("1234567893", true)]   // the standard's worked example
    [InlineData("1234567890", false)]  // wrong check digit
    [InlineData("123456789", false)]   // nine digits
    [InlineData("12345678931", false)] // eleven digits
    [InlineData("12345678a3", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Validates_the_check_digit(string? npi, bool valid) => Assert.Equal(valid, Npi.IsValid(npi));

    [Fact]
    public void Check_digit_makes_any_prefix_valid()
    {
        foreach (var prefix in new[] { "000000000", "999999999", "123456789", "165432198" })
            Assert.True(Npi.IsValid(prefix + Npi.CheckDigit(prefix)));
    }
}
