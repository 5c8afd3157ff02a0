"""Road perception and the PD steering fitted to the expert (pipelines/road_perception.py, pd_controller.py)."""

from __future__ import annotations

from benchmarks.driving_sim import drive


def test_pipeline_stays_on_the_road_for_300_steps(small):
    from pipelines.pd_controller import PDController
    from pipelines.road_perception import RoadPerception
    from pipelines.tuned import TunedPipeline
    from sklearn.pipeline import Pipeline

    _, data = small
    pipe = TunedPipeline(Pipeline([("perception", RoadPerception()), ("pd", PDController())]),
                             scoring="neg_mean_absolute_error")
    pipe.fit(data.train.X, data.train.y, data.val.X, data.val.y)
    kp, kd = pipe.learner_.coef_
    assert kp > 0.5 and kd > 0.1  # steer towards the road's centre and its bend
    ep = drive(lambda frame, env: float(pipe.predict(frame[None])[0]), seed=3000, max_steps=350)
    assert ep.steps == 300 and ep.offtrack_steps == 0 and ep.tiles_visited > 0.2
