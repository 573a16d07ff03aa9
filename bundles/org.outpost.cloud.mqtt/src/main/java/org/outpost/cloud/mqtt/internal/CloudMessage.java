package org.outpost.cloud.mqtt.internal;

/** One message ready for the broker: its topic and its encoded (perhaps gzipped) KuraPayload. */
record CloudMessage(String topic, byte[] payload) {
}
