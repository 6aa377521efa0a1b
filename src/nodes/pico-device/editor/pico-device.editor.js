RED.nodes.registerType('pico-device', {
    category: 'config',
    defaults: {
        name: { value: '' },
        port: { value: '/dev/ttyACM0', required: true },
        baud: { value: 115200, required: true, validate: function (v) { return Number(v) >= 300 && Number(v) <= 4000000; } },
        firmware: { value: 'warn', required: true }
    },
    label: function () {
        return this.name || this.port || this._('pico-device.label.default');
    },
    paletteLabel: function () {
        return this._('pico-device.label.palette');
    },
    oneditprepare: function () {
        var node = this;

        function loadPorts() {
            var tip = $('#pico-device-port-tip').text(node._('pico-device.ports.loading'));
            $.getJSON('pico-device/ports').done(function (listing) {
                var list = $('#pico-device-ports').empty();
                listing.ports.forEach(function (port) {
                    var label = port.description + (port.path === port.device ? '' : ' (' + port.device + ')');
                    $('<option>').attr('value', port.path).text(label).appendTo(list);
                });
                var text = node._('pico-device.ports.found', { count: listing.ports.length });
                tip.text(listing.problems.length ? text + ' ' + listing.problems.join('; ') : text);
            }).fail(function (xhr) {
                tip.text(node._('pico-device.ports.failed', { status: xhr.status }));
            });
        }

        $('#pico-device-refresh-ports').on('click', loadPorts);
        $('#pico-device-deploy').on('click', function () {
            var button = $(this).prop('disabled', true);
            var result = $('#pico-device-deploy-result').text(node._('pico-device.deploy.running'));
            $.ajax({ url: 'pico-device/' + encodeURIComponent(node.id) + '/deploy', method: 'POST', dataType: 'json' }).done(function (outcome) {
                result.text(node._('pico-device.deploy.done', { firmware: outcome.firmware }));
            }).fail(function (xhr) {
                var reason = xhr.status === 404 ? node._('pico-device.deploy.notDeployed') : (xhr.responseJSON && xhr.responseJSON.error) || xhr.statusText;
                result.text(node._('pico-device.deploy.failed', { reason: reason }));
            }).always(function () {
                button.prop('disabled', false);
            });
        });
        loadPorts();
    }
});
