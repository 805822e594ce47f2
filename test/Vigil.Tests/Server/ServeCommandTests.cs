using Vigil.Tests.Support;

namespace Vigil.Tests.Server;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_reports_an_unusable_address_as_one_error_line()
    {
        using var cli = new CliRunner();
        var (exit, _, error) = await cli.RunAsync("serve", "--urls", "nonsense");
        Assert.Equal(1, exit);
        Assert.Equal("error: cannot listen on 'nonsense': Invalid url: 'nonsense'", error.Trim());
    }
}
