namespace Contingency.Tests.Screens;

using System.Net;
using System.Text.RegularExpressions;
using Contingency.Infrastructure.Security;
using Contingency.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

/// <summary>Two nodes with one key ring (DataProtection:KeyDirectory): a form made by one posts to the other.</summary>
public sealed partial class KeyRingTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();

    [Theory]
    [InlineData(true, HttpStatusCode.Redirect)]
    [InlineData(false, HttpStatusCode.BadRequest)]
    public async Task A_sign_in_form_from_one_node_is_accepted_by_another_sharing_the_key_ring(bool shared, HttpStatusCode expected)
    {
        var database = TempDatabase.NewPath();
        var keys = Path.Combine(Path.GetTempPath(), "contingency-tests", "keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var first = ContingencyApp.Over(database);
            await using var second = ContingencyApp.Over(database);
            first.SchedulerRuns = second.SchedulerRuns = false;
            first.Settings["DataProtection:KeyDirectory"] = keys;
            second.Settings["DataProtection:KeyDirectory"] = shared ? keys : keys + "-other";

            using var one = first.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            var form = await one.GetAsync("/sign-in");
            var cookie = form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
            var token = Antiforgery().Match(await form.Content.ReadAsStringAsync()).Groups[1].Value;

            using var two = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            two.DefaultRequestHeaders.Authorization = null;
            using var post = new HttpRequestMessage(HttpMethod.Post, "/sign-in")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["_handler"] = "sign-in", ["__RequestVerificationToken"] = token, ["Form.Token"] = second.Token("ana", [Roles.Admin]),
                }),
            };
            post.Headers.Add("Cookie", cookie);
            Assert.Equal(expected, (await two.SendAsync(post)).StatusCode);
        }
        finally
        {
            TestDatabase.Drop(database);
        }
    }
}
