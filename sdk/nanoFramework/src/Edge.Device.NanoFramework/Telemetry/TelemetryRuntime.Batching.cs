using Edge.Protocol.Senml;

namespace Edge.Device.NanoFramework;

/// <summary>Deadband and batching of readings into one SenML pack per message.</summary>
public sealed partial class TelemetryRuntime
{
    private void OfferLocked(int sensor, double value)
    {
        if (double.IsNaN(value))
        {
            _readingsSkipped++;
            return;
        }

        if (_hasLast[sensor])
        {
            var change = value - _lastSent[sensor];
            if (change < 0)
            {
                change = -change;
            }

            if (change < _deadbands[sensor])
            {
                _readingsSkipped++;
                return;
            }
        }

        if (AddLocked(_names[sensor], value))
        {
            _lastSent[sensor] = value;
            _hasLast[sensor] = true;
        }
    }

    /// <summary>Adds a reading to the open batch; a full batch is published first and a new one begun.</summary>
    private bool AddLocked(SenmlName name, double value)
    {
        if (!_batchOpen)
        {
            BeginLocked();
        }

        if (_encoder.TryAddNumber(name, value, RelativeTimeLocked()))
        {
            return true;
        }

        FlushLocked();
        BeginLocked();
        if (_encoder.TryAddNumber(name, value, RelativeTimeLocked()))
        {
            return true;
        }

        _readingsDropped++; // a single reading larger than MaxMessageBytes
        _batchOpen = false;
        return false;
    }

    private void BeginLocked()
    {
        // Base time: whole seconds of the SNTP-set wall clock (0 when unset: the gateway stamps on arrival).
        _batchBaseTime = _wallClock.IsSet ? (long)_wallClock.UnixSeconds : 0;
        _encoder.Begin(_message, 0, _message.Length, _batchBaseTime, BootId, _sequence);
        _batchStartedAt = _clock.NowMilliseconds;
        _batchOpen = true;
    }

    /// <summary>Time relative to the base time in milliseconds resolution (0 when the wall clock is unset).</summary>
    private double RelativeTimeLocked()
    {
        if (_batchBaseTime == 0)
        {
            return 0;
        }

        return (long)((_wallClock.UnixSeconds - _batchBaseTime) * 1000) / 1000.0;
    }

    private void FlushLocked()
    {
        if (!_batchOpen)
        {
            return;
        }

        _batchOpen = false;
        var records = _encoder.RecordCount;
        if (records == 0)
        {
            return;
        }

        var length = _encoder.Finish();
        _sequence++;
        if (Client.Publish(_telemetryTopic, _message, 0, length, MqttQos.AtLeastOnce))
        {
            _readingsPublished += records;
        }
        else
        {
            _readingsDropped += records;
        }
    }
}
