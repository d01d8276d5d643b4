// hitscope report runtime: draws every chart of the page with ECharts from the JSON embedded in
// <script id="hs-charts">, and offers each chart's data as CSV and the whole result as JSON.
// Errors are collected in window.hsErrors and shown in a banner, never swallowed.
(function () {
  'use strict';
  var errors = (window.hsErrors = window.hsErrors || []);
  function fail(message) {
    errors.push(String(message));
    var banner = document.getElementById('hs-errors');
    if (banner) {
      banner.hidden = false;
      banner.textContent = 'Some charts could not be drawn: ' + errors.join('; ');
    }
  }
  window.addEventListener('error', function (event) { fail(event.message); });

  var palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1'];

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }
  function column(data, index) {
    return data.rows.map(function (row) { return row[index]; });
  }
  function num(value) { return value === null || value === undefined ? null : Number(value); }
  function fmt(value) {
    if (value === null || value === undefined || value === '') return '';
    if (typeof value !== 'number') return String(value);
    var a = Math.abs(value);
    if (a !== 0 && (a < 0.001 || a >= 1e6)) return value.toExponential(3);
    return String(Math.round(value * 1000) / 1000);
  }
  function csvField(value) {
    var text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function toCsv(data) {
    var lines = [data.columns.map(csvField).join(',')];
    data.rows.forEach(function (row) { lines.push(row.map(csvField).join(',')); });
    return lines.join('\r\n') + '\r\n';
  }
  function download(name, text, type) {
    var link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([text], {type: type}));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }
  function seriesName(spec, index, fallback) {
    return spec.series && spec.series[index] ? spec.series[index] : fallback;
  }
  function axis(type, title, extra) {
    var result = {type: type, name: title || '', nameLocation: 'middle', nameGap: 36,
                  axisLabel: {hideOverlap: true}};
    for (var key in extra || {}) result[key] = extra[key];
    return result;
  }
  function base(spec) {
    return {animation: false, color: palette, tooltip: {trigger: 'item', confine: true},
            grid: {left: 64, right: 24, top: 36, bottom: 52, containLabel: true},
            legend: {top: 0, type: 'scroll'}};
  }

  // Vertical error bars with caps, drawn by a custom series over x positions (category index or
  // value) shifted by `offset` category widths.
  function errorBars(name, color, data, offset) {
    return {
      type: 'custom', name: name, data: data, z: 5, silent: true, clip: true,
      itemStyle: {color: color},
      renderItem: function (params, api) {
        if (api.value(1) === null || isNaN(api.value(1))) return null;
        var width = api.size([1, 0])[0];
        var shift = offset * width;
        var low = api.coord([api.value(0), api.value(1)]);
        var high = api.coord([api.value(0), api.value(2)]);
        var cap = Math.max(2, Math.min(6, width * 0.12));
        var style = {stroke: color, lineWidth: 1.5};
        var x = low[0] + shift;
        return {type: 'group', children: [
          {type: 'line', shape: {x1: x, y1: low[1], x2: x, y2: high[1]}, style: style},
          {type: 'line', shape: {x1: x - cap, y1: low[1], x2: x + cap, y2: low[1]}, style: style},
          {type: 'line', shape: {x1: x - cap, y1: high[1], x2: x + cap, y2: high[1]}, style: style}
        ]};
      }
    };
  }

  var builders = {
    bar: function (spec) {
      var data = spec.data, option = base(spec);
      var categories = column(data, 0).map(String);
      var category = axis('category', spec.horizontal ? '' : spec.x_title,
                          {data: categories, inverse: !!spec.horizontal});
      var value = axis(spec.log_y ? 'log' : 'value', spec.y_title);
      option.xAxis = spec.horizontal ? value : category;
      option.yAxis = spec.horizontal ? category : value;
      if (spec.horizontal) option.grid.left = 8;
      option.series = data.columns.slice(1).map(function (name, index) {
        return {type: 'bar', name: seriesName(spec, index, name),
                data: column(data, index + 1).map(num)};
      });
      option.tooltip.trigger = 'axis';
      return option;
    },
    line: function (spec) {
      var data = spec.data, option = base(spec);
      var numeric = data.rows.length > 0 && typeof data.rows[0][0] === 'number';
      option.xAxis = numeric ? axis('value', spec.x_title, {scale: true})
                             : axis('category', spec.x_title, {data: column(data, 0).map(String)});
      option.yAxis = axis(spec.log_y ? 'log' : 'value', spec.y_title, {scale: true});
      option.series = data.columns.slice(1).map(function (name, index) {
        var values = data.rows.map(function (row) {
          return numeric ? [row[0], num(row[index + 1])] : num(row[index + 1]);
        });
        return {type: 'line', name: seriesName(spec, index, name), data: values,
                showSymbol: data.rows.length < 60};
      });
      option.tooltip.trigger = 'axis';
      return option;
    },
    intervals: function (spec) {
      var data = spec.data, option = base(spec);
      var categories = column(data, 0).map(String);
      var crowded = spec.bars && categories.length > 12;
      option.xAxis = axis('category', spec.x_title,
                          {data: categories, axisLabel: crowded ? {rotate: 40, interval: 0} : {hideOverlap: true}});
      if (crowded) { option.xAxis.nameGap = 70; option.grid.bottom = 90; }
      // The axis follows the means; intervals of groups with very few values may leave it and
      // are cut at the frame (spec.value_min / value_max pin it when set).
      var means = [];
      for (var m = 0; m < Math.floor((data.columns.length - 1) / 3); ++m) {
        column(data, 1 + 3 * m).forEach(function (v) { if (v !== null) means.push(Number(v)); });
      }
      var lo = Math.min.apply(null, means), hi = Math.max.apply(null, means);
      var pad = Math.max((hi - lo) * 0.6, Math.abs(hi) * 0.05, 1e-9);
      var yOptions = {scale: !spec.bars};
      if (spec.value_min !== spec.value_max) {
        yOptions.min = spec.value_min;
        yOptions.max = spec.value_max;
      } else if (means.length && !spec.bars) {
        yOptions.min = function (v) { return Math.max(v.min, lo - pad); };
        yOptions.max = function (v) { return Math.min(v.max, hi + pad); };
      }
      option.yAxis = axis('value', spec.y_title, yOptions);
      option.series = [];
      var count = Math.floor((data.columns.length - 1) / 3);
      for (var s = 0; s < count; ++s) {
        var name = seriesName(spec, s, data.columns[1 + 3 * s]);
        var color = palette[s % palette.length];
        var values = column(data, 1 + 3 * s).map(num);
        var bars = data.rows.map(function (row, index) {
          return [index, num(row[2 + 3 * s]), num(row[3 + 3 * s])];
        });
        var offset = spec.bars ? 0 : (s - (count - 1) / 2) * 0.18;
        if (spec.bars) {
          option.series.push({type: 'bar', name: name, data: values, barMaxWidth: 48,
                              itemStyle: {color: color}});
        } else {
          option.series.push({type: 'line', name: name, data: values, symbolSize: 5,
                              showSymbol: true, itemStyle: {color: color},
                              lineStyle: {width: 1.5}, symbolOffset: [0, 0]});
        }
        option.series.push(errorBars(name, spec.bars ? '#333' : color, bars, offset));
      }
      option.tooltip.trigger = 'axis';
      option.tooltip.formatter = function (items) {
        var index = items[0].dataIndex, row = data.rows[index];
        var lines = [String(row[0])];
        for (var k = 0; k < count; ++k) {
          lines.push(seriesName(spec, k, data.columns[1 + 3 * k]) + ': ' + fmt(row[1 + 3 * k]) +
                     ' [' + fmt(row[2 + 3 * k]) + ', ' + fmt(row[3 + 3 * k]) + ']');
        }
        return lines.join('<br>');
      };
      return option;
    },
    histogram: function (spec) {
      var data = spec.data, option = base(spec);
      option.xAxis = axis('value', spec.x_title, {scale: true});
      option.yAxis = axis(spec.log_y ? 'log' : 'value', spec.y_title);
      option.series = [{
        type: 'custom', name: seriesName(spec, 0, 'count'),
        data: data.rows.map(function (row) { return [row[0], row[1], row[2]]; }),
        encode: {x: [0, 1], y: 2},
        renderItem: function (params, api) {
          var start = api.coord([api.value(0), api.value(2)]);
          var end = api.coord([api.value(1), 0]);
          return {type: 'rect', shape: {x: start[0], y: start[1], width: Math.max(1, end[0] - start[0] - 1),
                                        height: end[1] - start[1]},
                  style: {fill: palette[0]}};
        }
      }];
      if (spec.extra && spec.extra.rows.length) {
        option.series.push({type: 'line', name: seriesName(spec, 1, 'density'), showSymbol: false,
                            smooth: true, itemStyle: {color: palette[1]}, lineStyle: {width: 2},
                            data: spec.extra.rows.map(function (row) { return [row[0], num(row[1])]; })});
      }
      option.tooltip.formatter = function (item) {
        if (item.seriesType !== 'custom') return 'density ' + fmt(item.value[1]);
        return '[' + fmt(item.value[0]) + ', ' + fmt(item.value[1]) + '): ' + item.value[2];
      };
      return option;
    },
    box: function (spec) {
      var data = spec.data, option = base(spec);
      var names = column(data, 0).map(String);
      option.xAxis = axis('category', spec.x_title, {data: names});
      option.yAxis = axis('value', spec.y_title, {scale: true});
      option.series = [{type: 'boxplot', name: 'box',
                        data: data.rows.map(function (row) { return row.slice(1, 6).map(num); }),
                        itemStyle: {color: '#dbe7f3', borderColor: palette[0]}}];
      if (spec.extra && spec.extra.rows.length) {
        option.series.push({type: 'scatter', name: 'outliers', symbolSize: 4,
                            itemStyle: {color: palette[3], opacity: 0.6},
                            data: spec.extra.rows.map(function (row) {
                              return [names.indexOf(String(row[0])), num(row[1])];
                            })});
      }
      option.legend.show = false;
      return option;
    },
    heatmap: function (spec) {
      var data = spec.data, option = base(spec);
      var rows = [], cols = [];
      data.rows.forEach(function (row) {
        if (rows.indexOf(row[0]) < 0) rows.push(row[0]);
        if (cols.indexOf(row[1]) < 0) cols.push(row[1]);
      });
      var values = column(data, 2).map(num).filter(function (v) { return v !== null; });
      var min = spec.value_min, max = spec.value_max;
      if (min === max) { min = Math.min.apply(null, values); max = Math.max.apply(null, values); }
      option.grid = {left: 8, right: 80, top: 8, bottom: 8, containLabel: true};
      option.xAxis = {type: 'category', data: cols, axisLabel: {rotate: 45, interval: 0}, splitArea: {show: true}};
      option.yAxis = {type: 'category', data: rows, inverse: true, axisLabel: {interval: 0}, splitArea: {show: true}};
      option.visualMap = {min: min, max: max, calculable: true, orient: 'vertical', right: 0,
                          top: 'center', precision: 2,
                          inRange: {color: ['#2166ac', '#92c5de', '#f7f7f7', '#f4a582', '#b2182b']}};
      option.legend.show = false;
      option.series = [{type: 'heatmap', name: spec.title,
                        data: data.rows.map(function (row) {
                          return [cols.indexOf(row[1]), rows.indexOf(row[0]), num(row[2])];
                        }),
                        label: {show: cols.length <= 16, fontSize: 9,
                                formatter: function (p) { return p.value[2] === null ? '' : p.value[2].toFixed(2); }}}];
      option.tooltip.formatter = function (item) {
        return rows[item.value[1]] + ' / ' + cols[item.value[0]] + ': ' + fmt(item.value[2]);
      };
      return option;
    },
    binned2d: function (spec) {
      var data = spec.data, option = base(spec);
      var max = 1;
      var cells = data.rows.filter(function (row) { return row[4] > 0; }).map(function (row) {
        max = Math.max(max, row[4]);
        return [row[0], row[1], row[2], row[3], row[4], Math.log10(row[4])];
      });
      option.xAxis = axis('value', spec.x_title, {scale: true});
      option.yAxis = axis('value', spec.y_title, {scale: true});
      option.visualMap = {type: 'continuous', dimension: 5, seriesIndex: 0, min: 0,
                          max: Math.max(1, Math.log10(max)), right: 0, top: 'center',
                          itemHeight: 120, text: ['10^' + Math.log10(max).toFixed(1), '1'],
                          calculable: false,
                          inRange: {color: ['#eef3fa', '#9ecae1', '#3182bd', '#08306b']}};
      option.grid.right = 70;
      option.series = [{
        type: 'custom', name: 'tracks', data: cells, encode: {x: [0, 1], y: [2, 3]},
        renderItem: function (params, api) {
          var a = api.coord([api.value(0), api.value(3)]);
          var b = api.coord([api.value(1), api.value(2)]);
          return {type: 'rect', shape: {x: a[0], y: a[1], width: b[0] - a[0], height: b[1] - a[1]},
                  style: {fill: api.visual('color')}};
        }
      }];
      if (spec.extra && spec.extra.rows.length) {
        var names = spec.series || [];
        var line = function (index, name, dashed) {
          return {type: 'line', name: name, showSymbol: !dashed, symbolSize: 4, z: 10,
                  itemStyle: {color: '#e15759'},
                  lineStyle: {width: dashed ? 1 : 2, type: dashed ? 'dashed' : 'solid'},
                  data: spec.extra.rows.map(function (row) { return [row[0], num(row[index])]; })};
        };
        option.series.push(line(1, names[0] || 'mean', false));
        option.series.push(line(2, names[1] || 'lower', true));
        option.series.push(line(3, names[2] || 'upper', true));
      }
      option.tooltip.formatter = function (item) {
        if (item.seriesType === 'line') return item.seriesName + ' ' + fmt(item.value[1]);
        var v = item.value;
        return 'x [' + fmt(v[0]) + ', ' + fmt(v[1]) + '), y [' + fmt(v[2]) + ', ' + fmt(v[3]) + '): ' + v[4];
      };
      return option;
    }
  };

  function render() {
    if (typeof echarts === 'undefined') {
      fail('the chart library did not load');
      return;
    }
    var specs = readJson('hs-charts') || {};
    var charts = [];
    document.querySelectorAll('.hs-chart').forEach(function (element) {
      var id = element.getAttribute('data-chart');
      var spec = specs[id];
      try {
        if (!spec) throw new Error('no data for chart ' + id);
        var builder = builders[spec.kind];
        if (!builder) throw new Error('unknown chart kind ' + spec.kind);
        var chart = echarts.init(element.querySelector('.hs-canvas'), null, {renderer: 'canvas'});
        var option = builder(spec);
        // Room for the value axis' title beside wide tick labels; rotated category labels need
        // all the space below the axis, so those axes go without a title.
        [].concat(option.yAxis || []).forEach(function (a) {
          if (a.type !== 'category' && a.name) a.nameGap = 52;
        });
        [].concat(option.xAxis || []).forEach(function (a) {
          if (a.axisLabel && a.axisLabel.rotate && a.type === 'category') a.name = '';
        });
        chart.setOption(option);
        charts.push(chart);
        element.setAttribute('data-rendered', '1');
      } catch (error) {
        element.setAttribute('data-rendered', 'error');
        fail(id + ': ' + error.message);
      }
      var button = element.querySelector('.hs-csv');
      if (button && spec) {
        button.addEventListener('click', function () { download(id + '.csv', toCsv(spec.data), 'text/csv'); });
      }
    });
    var json = document.getElementById('hs-json');
    if (json) {
      json.addEventListener('click', function () {
        var result = document.getElementById('hs-result');
        download(json.getAttribute('data-name'), result ? result.textContent : '{}', 'application/json');
      });
    }
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
    document.body.setAttribute('data-charts-rendered', String(charts.length));
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', render);
  } else {
    render();
  }
})();
