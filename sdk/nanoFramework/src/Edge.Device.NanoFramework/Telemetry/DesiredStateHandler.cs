using Edge.Protocol.State;

namespace Edge.Device.NanoFramework;

/// <summary>
/// Applies the desired state the gateway publishes (retained) on <c>edge/v1/{deviceId}/desired</c>. Runs on the
/// MQTT receive thread: keep it short. Called once per version: the retained copy that arrives again after a
/// reconnect, with the version already applied in this boot, is not handed over again (it is reported again).
/// After a reset the retained state arrives and is applied again, so apply it idempotently.
/// </summary>
/// <param name="state">The version (<see cref="EdgeState.Version"/>) and the raw CBOR document
/// (<see cref="EdgeState.GetDocument"/>, or <see cref="EdgeState.DocumentToJson"/>).</param>
/// <returns>True when applied: the runtime then reports <c>{"v": version}</c> on <c>edge/v1/{deviceId}/reported</c>.
/// False (or an exception) leaves the last applied version as it was and reports nothing, so the cloud sees the drift.</returns>
public delegate bool DesiredStateHandler(EdgeState state);
