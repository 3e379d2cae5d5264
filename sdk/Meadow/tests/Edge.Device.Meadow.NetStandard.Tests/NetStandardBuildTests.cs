using System.Reflection;
using System.Runtime.Versioning;
using Edge.Storage;

namespace Edge.Device.Meadow.Tests;

/// <summary>The assemblies under test in this project are the netstandard2.1 builds a Meadow F7 board loads.</summary>
public sealed class NetStandardBuildTests
{
    [Fact]
    public void AssembliesUnderTest_AreTheNetStandard21Builds_WithoutMqttnet()
    {
        foreach (var assembly in new[] { typeof(IEdgeDevice).Assembly, typeof(FileSync).Assembly, typeof(Protocol.Topics.EdgeTopics).Assembly })
        {
            Assert.Equal(".NETStandard,Version=v2.1", assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName);
        }

        // MQTTnet 5 cannot load on a Meadow F7: the board's build must not reference it.
        Assert.DoesNotContain(typeof(IEdgeDevice).Assembly.GetReferencedAssemblies(), a => a.Name == "MQTTnet");
        Assert.NotNull(typeof(IEdgeDevice).Assembly.GetType("Edge.Device.Meadow.Session.EdgeClientSession"));
    }

    [Fact]
    public void Crc32C_TableImplementation_GivesTheCastagnoliCheckValue()
    {
        // netstandard2.1 has no BitOperations.Crc32C: the queue's checksums come from Edge.Storage's table here.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
    }
}
