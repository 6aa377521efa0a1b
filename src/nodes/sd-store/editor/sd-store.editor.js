RED.nodes.registerType('sd-store', {
    category: 'audio',
    color: '#8CC8E8',
    defaults: {
        name: { value: '' },
        storage: { value: '', type: 'sd-card', required: true },
        pattern: { value: 'recording{counter}.wav', required: true },
        keepLast: { value: 0, validate: function (v) { return Number.isInteger(Number(v)) && Number(v) >= 0; } },
        maxMb: { value: 0, validate: function (v) { return Number(v) >= 0; } },
        maxAgeDays: { value: 0, validate: function (v) { return Number(v) >= 0; } }
    },
    inputs: 1,
    outputs: 1,
    icon: 'sd-store.svg',
    align: 'right',
    label: function () {
        return this.name || this._('sd-store.label.default');
    },
    paletteLabel: function () {
        return this._('sd-store.label.palette');
    },
    inputLabels: function () {
        return this._('sd-store.label.input');
    },
    outputLabels: function () {
        return this._('sd-store.label.output');
    }
});
