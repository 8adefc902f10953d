// Decodes OTLP payloads with the OpenTelemetry JS implementation (the generated
// protobuf root of @opentelemetry/otlp-transformer 0.52, installed beside the VS Code
// tests), not with switchboard's own code. Usage: node otlp_decode.js FILE...; each
// FILE is "<traces|metrics>.<proto|json>.<n>". Prints one JSON line per file: spans or
// metric points normalised (ids as hex, 64-bit integers as strings).
// http/json payloads are checked strictly: ids must be hex of the right length, and
// every key must be a field the OTLP messages know (a misspelt key would otherwise
// be dropped silently by the receiver).
'use strict';
const fs = require('fs');
const path = require('path');
const root = require(path.join(__dirname, '..', '..', 'editors', 'vscode', 'node_modules',
    '@opentelemetry', 'otlp-transformer', 'build', 'src', 'generated', 'root'));
const v1 = root.opentelemetry.proto.collector;
const types = {
    traces: v1.trace.v1.ExportTraceServiceRequest,
    metrics: v1.metrics.v1.ExportMetricsServiceRequest,
};
const ID_KEYS = { traceId: 32, spanId: 16, parentSpanId: 16 };
const hex = (b) => Buffer.from(b || []).toString('hex');

function fail(msg) { throw new Error(msg); }

// OTLP/JSON ids are hex; protobufjs's fromObject wants bytes.
function hexIdsToBytes(o) {
    if (Array.isArray(o)) return o.map(hexIdsToBytes);
    if (o && typeof o === 'object') {
        const out = {};
        for (const [k, v] of Object.entries(o)) {
            if (k in ID_KEYS) {
                if (typeof v !== 'string' || !/^[0-9a-f]*$/.test(v) || (v.length !== ID_KEYS[k] && v.length !== 0))
                    fail(`${k} is not ${ID_KEYS[k]} hex digits: ${v}`);
                out[k] = Buffer.from(v, 'hex');
            } else {
                out[k] = hexIdsToBytes(v);
            }
        }
        return out;
    }
    return o;
}

// Every key of the input must survive a round trip through the generated message.
function checkKeys(input, known, where) {
    if (Array.isArray(input)) { input.forEach((x, i) => checkKeys(x, (known || [])[i], `${where}[${i}]`)); return; }
    if (!input || typeof input !== 'object' || Buffer.isBuffer(input)) return;
    for (const k of Object.keys(input)) {
        if (!known || !(k in known)) fail(`unknown OTLP field ${where}.${k}`);
        checkKeys(input[k], known[k], `${where}.${k}`);
    }
}

function attrs(list) {
    const out = {};
    for (const kv of list || []) {
        const v = kv.value || {};
        out[kv.key] = v.stringValue !== undefined && v.stringValue !== null ? v.stringValue
            : v.intValue !== undefined && v.intValue !== null ? Number(v.intValue)
            : v.doubleValue !== undefined && v.doubleValue !== null ? v.doubleValue
            : v.boolValue !== undefined && v.boolValue !== null ? v.boolValue : null;
    }
    return out;
}

function normalise(kind, msg) {
    const o = types[kind].toObject(msg, { longs: String, enums: Number, bytes: Array, defaults: true });
    const res = o.resourceSpans || o.resourceMetrics || [];
    const resource = attrs(res[0] && res[0].resource && res[0].resource.attributes);
    if (kind === 'traces') {
        const spans = [];
        for (const rs of res) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
            spans.push({
                scope: ss.scope && ss.scope.name, traceId: hex(s.traceId), spanId: hex(s.spanId),
                parentSpanId: hex(s.parentSpanId), name: s.name, kind: s.kind,
                start: s.startTimeUnixNano, end: s.endTimeUnixNano, attributes: attrs(s.attributes),
                status: { code: s.status ? s.status.code : 0, message: s.status ? s.status.message : '' },
            });
        }
        return { resource, spans };
    }
    const metrics = [];
    for (const rm of res) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) {
        const data = m.histogram || m.sum;
        const points = (data ? data.dataPoints : []).map((p) => ({
            attributes: attrs(p.attributes), value: p.asDouble, count: p.count !== undefined ? Number(p.count) : undefined,
            sum: p.sum, buckets: (p.bucketCounts || []).map(Number), bounds: p.explicitBounds,
            start: p.startTimeUnixNano, time: p.timeUnixNano,
        }));
        metrics.push({ name: m.name, unit: m.unit, type: m.histogram ? 'histogram' : 'sum',
            temporality: data ? data.aggregationTemporality : 0, monotonic: m.sum ? m.sum.isMonotonic : undefined, points });
    }
    return { resource, metrics };
}

for (const file of process.argv.slice(2)) {
    const [kind, format] = path.basename(file).split('.');
    const bytes = fs.readFileSync(file);
    const type = types[kind];
    let msg;
    if (format === 'proto') {
        msg = type.decode(bytes);
    } else {
        // verify() wants numbers for 64-bit fields, while the JSON mapping writes
        // strings; fromObject takes both, and checkKeys catches unknown names.
        const input = hexIdsToBytes(JSON.parse(bytes.toString('utf8')));
        msg = type.fromObject(input);
        checkKeys(input, type.toObject(msg, { longs: String, enums: Number, bytes: Array, defaults: true, arrays: true }), kind);
    }
    process.stdout.write(JSON.stringify(normalise(kind, msg)) + '\n');
}
