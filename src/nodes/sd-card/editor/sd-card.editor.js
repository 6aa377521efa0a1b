RED.nodes.registerType('sd-card', {
    category: 'config',
    defaults: {
        name: { value: '' },
        directory: { value: 'recordings', required: true },
        mountPoint: { value: '', validate: function (v) { return !v || v.charAt(0) === '/'; } },
        reserveMb: { value: 50, required: true, validate: function (v) { return v !== '' && Number(v) >= 0; } }
    },
    label: function () {
        return this.name || this.directory || this._('sd-card.label.default');
    },
    paletteLabel: function () {
        return this._('sd-card.label.palette');
    }
});
