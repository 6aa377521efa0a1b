RED.nodes.registerType('mic-in', {
    category: 'audio',
    color: '#8CC8E8',
    defaults: {
        name: { value: '' },
        source: { value: 'test', required: true },
        sampleRate: { value: 48000, required: true, validate: RED.validators.number() },
        channels: { value: 1, required: true, validate: function (v) { return Number.isInteger(Number(v)) && v >= 1 && v <= 32; } },
        sampleFormat: { value: 'S16_LE', required: true },
        waveform: { value: 'sine' },
        frequency: { value: 440, validate: RED.validators.number() },
        level: { value: -12, validate: function (v) { return Number(v) <= 0 && Number(v) >= -120; } },
        chunkMs: { value: 100, validate: function (v) { return Number(v) >= 5 && Number(v) <= 5000; } },
        maxDuration: { value: 0, validate: function (v) { return Number(v) >= 0; } },
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
        $('#node-input-waveform').on('change', function () {
            $('.mic-in-sine-only').toggle($(this).val() === 'sine');
        }).trigger('change');
    }
});
