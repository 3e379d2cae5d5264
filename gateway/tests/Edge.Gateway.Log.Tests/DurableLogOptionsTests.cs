namespace Edge.Gateway.Log.Tests;

public sealed class DurableLogOptionsTests
{
    [Theory]
    [InlineData("Directory")]
    [InlineData("SegmentBytes")]
    [InlineData("MaxBytes")]
    [InlineData("MaxRecordBytes")]
    [InlineData("WhenFull")]
    public void Validate_InvalidProperty_ThrowsNamingIt(string property)
    {
        var options = new DurableLogOptions { Directory = "/tmp/x" };
        switch (property)
        {
            case "Directory": options.Directory = ""; break;
            case "SegmentBytes": options.SegmentBytes = 100; break;
            case "MaxBytes": options.MaxBytes = options.SegmentBytes - 1; break;
            case "MaxRecordBytes": options.MaxRecordBytes = -1; break;
            default: options.WhenFull = (LogFullPolicy)7; break;
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains($"DurableLogOptions.{property}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Pass()
    {
        new DurableLogOptions { Directory = "/tmp/x" }.Validate();
    }

    [Fact]
    public void Open_InvalidOptions_ThrowsBeforeTouchingDisk()
    {
        Assert.Throws<ArgumentException>(() => DurableLog.Open(new DurableLogOptions()));
    }
}
