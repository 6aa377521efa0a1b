RED.nodes.registerType('wav-writer', {
    category: 'audio',
    color: '#8CC8E8',
    defaults: {
        name: { value: '' },
        storage: { value: '', type: 'sd-card', required: false },
        directory: { value: 'recordings', required: true },
        pattern: { value: 'recording-{datetime}.wav', required: true },
        maxDuration: { value: 0, validate: function (v) { return Number(v) >= 0; } },
        maxSize: { value: 0, validate: function (v) { return Number(v) >= 0; } },
        refresh: { value: 1, validate: function (v) { return Number(v) >= 0 && Number(v) <= 3600; } },
        fileLimit: { value: 'none' }
    },
    inputs: 1,
    outputs: 1,
    icon: 'wav-writer.svg',
    align: 'right',
    label: function () {
        return this.name || this._('wav-writer.label.default');
    },
    paletteLabel: function () {
        return this._('wav-writer.label.palette');
    },
    inputLabels: function () {
        return this._('wav-writer.label.input');
    },
    outputLabels: function () {
        return this._('wav-writer.label.output');
    },
    oneditprepare: function () {
        // With an SD card, the card decides where files go and how large they may be.
        $('#node-input-storage').on('change', function () {
            var storage = $(this).val();
            $('.wav-writer-local-only').toggle(!storage || storage === '_ADD_');
        }).trigger('change');
    }
});
