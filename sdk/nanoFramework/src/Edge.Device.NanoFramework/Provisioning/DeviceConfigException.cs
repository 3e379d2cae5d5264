using System;

namespace Edge.Device.NanoFramework;

/// <summary>A device configuration (from <c>Edge.Gateway device add --output</c>) that cannot be used; names the field.</summary>
public sealed class DeviceConfigException : Exception
{
    /// <summary>Creates the exception for <paramref name="field"/> ("gateways", "id", ...).</summary>
    public DeviceConfigException(string field, string problem)
        : base("edge device config: " + field + ": " + problem)
    {
        Field = field;
    }

    /// <summary>Creates the exception with an empty message.</summary>
    public DeviceConfigException()
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    public DeviceConfigException(string message)
        : base(message)
    {
        Field = string.Empty;
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public DeviceConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = string.Empty;
    }

    /// <summary>The field that is wrong or missing.</summary>
    public string Field { get; }
}
