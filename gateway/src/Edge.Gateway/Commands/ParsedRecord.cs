namespace Edge.Gateway.Commands;

/// <summary>
/// What <see cref="CommandRecordParser"/> made of a Kafka record: a <see cref="Request"/>, or a <see cref="Problem"/> with
/// whatever could be read (the id, name and target gateway, for the <c>rejected</c> result).
/// </summary>
internal readonly record struct ParsedRecord(CommandRequest? Request, string? Problem, string Device, string? Id, string? Name, string? Gateway);
