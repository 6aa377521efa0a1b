RED.nodes.registerType('mic-in', {
    category: 'audio',
    color: '#8CC8E8',
    defaults: {
        name: { value: '' },
        source: { value: 'alsa', required: true },
        // A config-node select; not 'required', which would flag every non-Pico mic-in.
        pico: { value: '', type: 'pico-device', validate: function (v) { return this.source !== 'pico' || (!!v && v !== '_ADD_'); } },
        backend: { value: 'auto' },
        device: { value: 'default' },
        periodMs: { value: 50, validate: function (v) { return Number(v) >= 1 && Number(v) <= 1000; } },
        bufferMs: { value: 1000, validate: function (v) { return Number(v) >= 10 && Number(v) <= 10000; } },
        sampleRate: { value: 48000, required: true, validate: RED.validators.number() },
        channels: { value: 1, required: true, validate: function (v) { return Number.isInteger(Number(v)) && v >= 1 && v <= 32; } },
        sampleFormat: { value: 'S16_LE', required: true },
        waveform: { value: 'sine' },
        frequency: { value: 440, validate: RED.validators.number() },
        level: { value: -12, validate: function (v) { return Number(v) <= 0 && Number(v) >= -120; } },
        chunkMs: { value: 100, validate: function (v) { return Number(v) >= 5 && Number(v) <= 5000; } },
        maxDuration: { value: 0, validate: function (v) { return Number(v) >= 0; } },
        keepOpen: { value: false },
        preRoll: { value: 0, validate: function (v) { return Number(v) >= 0 && Number(v) <= 60; } },
        silenceStop: { value: false },
        silenceThreshold: { value: -40, validate: function (v) { return Number(v) >= -144 && Number(v) <= 0; } },
        silenceHangover: { value: 2, validate: function (v) { return Number(v) >= 0.01 && Number(v) <= 3600; } },
        minLength: { value: 1, validate: function (v) { return Number(v) >= 0 && Number(v) <= 3600; } },
        startOnSound: { value: false },
        soundThreshold: { value: -30, validate: function (v) { return Number(v) >= -144 && Number(v) <= 0; } },
        outChannels: { value: '', validate: function (v) { return !v || /^\s*(mono|\d+(\s*,\s*\d+)*)\s*$/i.test(v); } },
        outBitDepth: { value: '' },
        dcBlock: { value: false },
        dcBlockHz: { value: 10, validate: function (v) { return Number(v) >= 1 && Number(v) <= 200; } },
        topic: { value: 'audio' }
    },
    inputs: 1,
    outputs: 1,
    icon: 'mic-in.svg',
    label: function () {
        return this.name || this._('mic-in.label.default');
    },
    paletteLabel: function () {
        return this._('mic-in.label.palette');
    },
    inputLabels: function () {
        return this._('mic-in.label.input');
    },
    outputLabels: function () {
        return this._('mic-in.label.output');
    },
    oneditprepare: function () {
        var node = this;
        $('#node-input-waveform').on('change', function () {
            $('.mic-in-sine-only').toggle($(this).val() === 'sine' && $('#node-input-source').val() === 'test');
        });
        $('#node-input-source').on('change', function () {
            var source = $(this).val();
            $('.mic-in-alsa-only').toggle(source === 'alsa');
            $('.mic-in-test-only').toggle(source === 'test');
            $('.mic-in-pico-only').toggle(source === 'pico');
            // A Pico's format is fixed: 1 channel of 18-bit samples in 32 bits.
            $('.mic-in-not-pico').toggle(source !== 'pico');
            $('#node-input-waveform').trigger('change');
        }).trigger('change');

        function loadDevices() {
            var tip = $('#mic-in-device-tip').text(node._('mic-in.devices.loading'));
            $.getJSON('mic-in/devices').done(function (listing) {
                var list = $('#mic-in-devices').empty();
                listing.devices.forEach(function (device) {
                    var channels = device.channels ? ' (' + node._('mic-in.devices.channels', { count: device.channels }) + ')' : '';
                    $('<option>').attr('value', device.name).text(device.description + channels).appendTo(list);
                });
                var text = node._('mic-in.devices.found', { count: listing.devices.length });
                tip.text(listing.problems.length ? text + ' ' + listing.problems.join('; ') : text);
            }).fail(function (xhr) {
                tip.text(node._('mic-in.devices.failed', { status: xhr.status }));
            });
        }
        $('#node-input-keepOpen').on('change', function () {
            $('.mic-in-listen-only').toggle($(this).is(':checked'));
        }).trigger('change');
        $('#node-input-silenceStop').on('change', function () {
            $('.mic-in-silence-only').toggle($(this).is(':checked'));
        }).trigger('change');
        $('#mic-in-refresh-devices').on('click', loadDevices);
        loadDevices();
    }
});
