RED.nodes.registerType('button-trigger', {
    category: 'audio',
    color: '#8CC8E8',
    defaults: {
        name: { value: '' },
        source: { value: 'gpio', required: true },
        chip: { value: 'gpiochip0', validate: function (v) { return this.source !== 'gpio' || /^[^-\s]\S*$/.test(v); } },
        line: { value: '', validate: function (v) { return this.source !== 'gpio' || /^\s*\d+\s*$/.test(String(v)); } },
        bias: { value: 'pull-up' },
        activeLow: { value: true },
        debounceMs: { value: 25, validate: function (v) { return this.source !== 'gpio' || (Number(v) >= 0 && Number(v) <= 1000); } },
        // A config-node select while the pico-device type is installed; not 'required', which would
        // skip this check for an empty value: the Pico matters only with the Pico as source.
        pico: { value: '', type: 'pico-device', validate: function (v) { return this.source !== 'pico' || (!!v && v !== '_ADD_'); } },
        mode: { value: 'toggle', required: true },
        longPressMs: { value: 1000, validate: function (v) { return Number(v) >= 50 && Number(v) <= 60000; } },
        longPressAction: { value: 'none' },
        doublePress: { value: false },
        doublePressMs: { value: 400, validate: function (v) { return Number(v) >= 50 && Number(v) <= 5000; } },
        doublePressAction: { value: 'none' },
        everyEvent: { value: false },
        topic: { value: 'button' }
    },
    inputs: 1,
    outputs: 1,
    icon: 'button-trigger.svg',
    label: function () {
        return this.name || this._('button-trigger.label.default');
    },
    paletteLabel: function () {
        return this._('button-trigger.label.palette');
    },
    inputLabels: function () {
        return this._('button-trigger.label.input');
    },
    outputLabels: function () {
        return this._('button-trigger.label.output');
    },
    oneditprepare: function () {
        $('#node-input-source').on('change', function () {
            var gpio = $(this).val() === 'gpio';
            $('.button-trigger-gpio-only').toggle(gpio);
            $('.button-trigger-pico-only').toggle(!gpio);
        }).trigger('change');
        $('#node-input-doublePress').on('change', function () {
            $('.button-trigger-double-only').toggle($(this).is(':checked'));
        }).trigger('change');
    }
});
