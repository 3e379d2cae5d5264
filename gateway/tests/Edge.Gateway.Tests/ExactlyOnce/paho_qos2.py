"""QoS 2 publisher on Eclipse Paho (Debian python3-paho-mqtt 1.6.1) for PahoQos2Tests.

Publishes COUNT messages 'msg-<i>' at QoS 2 with clean_session=False to site/<client>/reading and keeps going through
gateway restarts: Paho keeps un-PUBCOMPed messages and, after it reconnects, resends each with the same packet id (DUP
set when it never saw the PUBREC) or sends PUBREL again (when it did). Prints 'completed N' as PUBCOMPs arrive and a
final JSON line; exits 0 when every message completed.
"""
import json
import sys
import threading
import time

import paho.mqtt.client as mqtt

host, port, client_id, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
completed = set()
resends = {"publish_dup": 0, "pubrel": 0}
lock = threading.Lock()


def on_publish(client, userdata, mid):
    with lock:
        completed.add(mid)
        n = len(completed)
    if n % 10 == 0 or n == count:
        print(f"completed {n}", flush=True)


def on_log(client, userdata, level, text):
    if text.startswith("Sending PUBLISH (d1"):
        resends["publish_dup"] += 1
    elif text.startswith("Sending PUBREL"):
        resends["pubrel"] += 1


client = mqtt.Client(client_id=client_id, clean_session=False, protocol=mqtt.MQTTv311)
client.max_inflight_messages_set(20)
client.max_queued_messages_set(0)
client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
client.on_publish = on_publish
client.on_log = on_log
client.connect_async(host, port, keepalive=30)
client.loop_start()
for i in range(count):
    client.publish(f"site/{client_id}/reading", f"msg-{i}", qos=2)
    time.sleep(0.01)

deadline = time.time() + 180
while time.time() < deadline:
    with lock:
        if len(completed) >= count:
            break
    time.sleep(0.1)

client.disconnect()
client.loop_stop()
with lock:
    done = len(completed)
print(json.dumps({"published": count, "completed": done, "resent_publish_dup": resends["publish_dup"], "sent_pubrel": resends["pubrel"]}), flush=True)
sys.exit(0 if done >= count else 1)
