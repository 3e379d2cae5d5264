using Edge.Gateway.Egress;

namespace Edge.Gateway.Tests.Security;

public sealed class SecretRedactionTests
{
    [Fact]
    public void Redact_SecretPropertyValues_AreReplacedAndOthersKept()
    {
        var producer = new Dictionary<string, string>
        {
            ["sasl.password"] = "hunter2-secret",
            ["ssl.key.password"] = "k3y",
            ["sasl.username"] = "edge-site-1",
        };

        var text = SecretRedaction.Redact("auth failed for edge-site-1 with hunter2-secret (key k3y)", producer);

        Assert.Equal("auth failed for edge-site-1 with *** (key ***)", text);
    }
}
